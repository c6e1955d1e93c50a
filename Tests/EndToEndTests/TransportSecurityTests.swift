import Foundation
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// The WriftAI API over HTTPS: the emulator serving a certificate for `localhost` signed by a test CA made
/// with `openssl` at test time, the client and the CLI trusting it only through `--api-ca-file`, and plain
/// `http://` refused for hosts that are not loopback unless `--insecure-http` says otherwise.
@Suite(.onOwnThreads) struct TransportSecurityTests {
    typealias Apply = ApplyCommandTests

    /// The emulator of ``ApplyCommandTests`` serving HTTPS with `authority`'s server certificate.
    static func emulator(_ authority: TestCertificateAuthority, models: [String]) throws -> EmulatorConfiguration {
        var configuration = try Apply.emulator(models)
        configuration.server.tls = .init(certificateChainFile: authority.serverCertificate, privateKeyFile: authority.serverKey)
        return configuration
    }

    /// A test CA and its `localhost` certificate, made off the cooperative pool (openssl runs for a while).
    static func authority(_ name: String = "WriftSync Test CA") async throws -> TestCertificateAuthority {
        try await onOwnThread { try TestCertificateAuthority(commonName: name) }
    }

    /// The emulator's request counts, fetched over HTTPS trusting `caFile`.
    static func stats(_ emulator: RunningEmulator, caFile: String) async throws -> EmulatorStats {
        let url = emulator.statsURL
        let body = try await onOwnThread { try Shell.run(["curl", "-sf", "--cacert", caFile, url]) }
        return try JSONDecoder().decode(EmulatorStats.self, from: Data(body.utf8))
    }

    @Test func theAPIClientTalksToTheEmulatorOverHTTPSOnlyWhenItsCAIsTrusted() async throws {
        let authority = try await Self.authority()
        let stranger = try await Self.authority("Some Other CA")
        try await withRunningEmulator(configuration: Self.emulator(authority, models: ["alice/a"]), storage: try InMemoryEmulatorStorage()) { emulator in
            #expect(emulator.baseURL == "https://localhost:\(emulator.port)/v1")
            var configuration = WriftAIClient.Configuration(
                server: .init(baseURL: emulator.baseURL, additionalCAFile: authority.caCertificate),
                token: AccessToken(Apply.token)
            )
            configuration.pacing.requestsPerSecond = nil
            let model = try await WriftAIClient.withClient(configuration: configuration) { client in
                try await client.model(try ModelID(parsing: "alice/a"))
            }
            #expect(model.name == "a")

            for caFile in [nil, stranger.caCertificate] {
                var untrusting = configuration
                untrusting.server.additionalCAFile = caFile
                // The HTTP client retries a failed connection until the connect timeout: keep it short.
                untrusting.timeouts.connect = .seconds(2)
                let model = try ModelID(parsing: "alice/a")
                let error = try await WriftAIClient.withClient(configuration: untrusting) { client -> WriftAIError? in
                    do throws(WriftAIError) {
                        _ = try await client.model(model)
                        return nil
                    } catch {
                        return error
                    }
                }
                guard case .untrustedCertificate(let context, _) = error else {
                    Issue.record("CA \(caFile ?? "none"): expected untrustedCertificate, got \(String(describing: error))")
                    continue
                }
                #expect(context.path == "/v1/models/alice/a")
                #expect(error?.description.contains("--api-ca-file") == true, "\(String(describing: error))")
                #expect(error?.description.contains(Apply.token) == false)
            }
            // One request reached the API: the trusted one. Refused handshakes send nothing.
            #expect(try await Self.stats(emulator, caFile: authority.caCertificate).total == 1)
        }
    }

    /// The notifier's client (`--notify-ca-file` is its `caFile`): over HTTPS it trusts the receiver's
    /// certificate only through that file, refuses an unreadable one on every request, and reads an answer
    /// only up to its limit.
    @Test func theNotifiersHTTPClientTrustsAReceiverOnlyThroughItsCAFile() async throws {
        let authority = try await Self.authority()
        let stranger = try await Self.authority("Some Other CA")
        try await withRunningEmulator(configuration: Self.emulator(authority, models: ["alice/a"]), storage: try InMemoryEmulatorStorage()) { emulator in
            let model = emulator.baseURL + "/models/alice/a"
            let authorization = [(name: "Authorization", value: "Bearer \(Apply.token)")]
            let trusting = HTTP1Client(caFile: authority.caCertificate)
            let answer = try await trusting.send("GET", model, headers: authorization, timeout: .seconds(10))
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
            do {
                _ = try await trusting.send("GET", model, headers: authorization, timeout: .seconds(10), limit: 8)
                Issue.record("an answer over the limit was read")
            } catch {
                #expect("\(error)".contains("more than the 8 bytes") || "\(error)".contains("exceeds the 8 bytes"), "\(error)")
            }
            await trusting.shutdown()

            for caFile in [nil, stranger.caCertificate, "/nonexistent/ca.pem"] {
                let client = HTTP1Client(caFile: caFile)
                await #expect(throws: (any Error).self, "CA \(caFile ?? "none")") {
                    try await client.send("GET", model, headers: authorization, timeout: .seconds(5))
                }
                await client.shutdown()
            }
            do {
                _ = try await HTTP1Client(caFile: "/nonexistent/ca.pem").send("POST", model, body: [1], timeout: .seconds(5))
                Issue.record("an unreadable CA file was not refused")
            } catch {
                #expect("\(error)".contains("cannot read the CA file /nonexistent/ca.pem"), "\(error)")
            }
            // Two requests reached the server: the trusted ones. Refused handshakes send nothing.
            #expect(try await Self.stats(emulator, caFile: authority.caCertificate).total == 2)
        }
    }

    @Test func anUntrustedCertificateIsNeverRetriedWhileOtherConnectionFailuresAre() {
        let context = WriftAIError.Context(method: "GET", path: "/v1/models/alice/a")
        let policy = RetryPolicy()
        #expect(policy.decision(after: .untrustedCertificate(context, reason: "x"), attempt: 1, random: 0) == .stop(.notRetryable))
        #expect(policy.decision(after: .transport(context, reason: "connection reset"), attempt: 1, random: 0) != .stop(.notRetryable))
    }

    @Test func planAndApplyWorkOverHTTPSWithTheAPICAFile() async throws {
        let authority = try await Self.authority()
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2])])
        let cache = try TemporaryDirectory("tls")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(authority, models: ["alice/a"]), storage: storage) { emulator in
            let trust = ["--api-ca-file", authority.caCertificate]
            let plan = try await Apply.plan(emulator, repository, cache, trust)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("Plan: 2 to create, 0 to configure, 0 to delete."), "\(plan.stdout)")
            let apply = try await Apply.apply(emulator, repository, cache, ["--auto-approve"] + trust)
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(apply.stdout.contains("Apply complete: 2 created, 0 configured, 0 deleted, 0 failed."), "\(apply.stdout)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
            let again = try await Apply.plan(emulator, repository, cache, trust + ["--detailed-exitcode"])
            #expect(again.status == 0, "no changes left: \(again.stdout) \(again.stderr)")

            let stats = try await Self.stats(emulator, caFile: authority.caCertificate)
            #expect(Apply.count(stats, "POST") == 2)
            let listings = stats.requests.filter { $0.method == "GET" && $0.route == "/v1/models/{owner}/{name}/versions" }
            #expect(listings.reduce(0) { $0 + $1.count } >= 3, "each command listed the model over HTTPS: \(stats.requests)")
            #expect(stats.requests.allSatisfy { $0.status < 300 }, "\(stats.requests)")
        }
    }

    @Test func aCertificateFromAnUntrustedCAIsRefusedSayingWhatToDoAndNothingIsWritten() async throws {
        let authority = try await Self.authority()
        let stranger = try await Self.authority("Some Other CA")
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("tls")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(authority, models: ["alice/a"]), storage: storage) { emulator in
            // Without --api-ca-file (only the system's CAs) and with the wrong CA; at the same time, since
            // each waits out the HTTP client's connect timeout.
            async let withoutCA = Apply.apply(emulator, repository, cache, ["--auto-approve"])
            async let withOtherCA = Apply.plan(emulator, repository, cache, ["--api-ca-file", stranger.caCertificate])
            for (label, result) in [("no CA", try await withoutCA), ("another CA", try await withOtherCA)] {
                #expect(result.status == 1, "\(label): \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains("TLS certificate is not trusted"), "\(label): \(result.stderr)")
                #expect(result.stderr.contains("--api-ca-file"), "\(label): \(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains(Apply.token))
            }
            #expect(await Apply.liveDigests(storage, "alice/a").isEmpty)
            #expect(try await Self.stats(emulator, caFile: authority.caCertificate).total == 0, "no request crossed the refused connections")
        }
    }

    @Test func plainHTTPToAHostThatIsNotLoopbackIsRefusedBeforeConnectingUnlessInsecureHTTPIsGiven() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("insecure")
        // `.invalid` never resolves (RFC 2606), so no real host can be contacted whatever happens.
        let api = ["--api-url", "http://example.invalid/v1"]
        let common = ["--repo", repository.path, "--cache-dir", cache.path] + api
        for command in [["plan"] + common, ["apply", "--auto-approve"] + common, ["run", "--once"] + common, ["import", "alice/a", "--out", cache.path + "/imported"] + api] {
            let refused = try await Self.run(command)
            #expect(refused.status == 1, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("refusing plain http:// to example.invalid"), "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("--insecure-http"), "\(command): \(refused.stderr)")
            #expect(!refused.stderr.contains("connection failed"), "\(command): refused before any connection")
        }

        // With the opt-in the URL is accepted and the command goes as far as the network: resolving the host
        // fails ("connection failed" where the resolver answers at once, "timed out" where it does not) and
        // the client logs its first retry. That is proof enough: it is stopped there rather than left to
        // spend its retries.
        let process = try Apply.launch(["plan", "--insecure-http"] + common)
        let stderr = try await onOwnThread {
            let handle = (process.standardError as! Pipe).fileHandleForReading
            var data = Data()
            while !String(decoding: data, as: UTF8.self).contains("retrying WriftAI API request") {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            kill(process.processIdentifier, SIGKILL)
            return String(decoding: data, as: UTF8.self) + Apply.wait(process).stderr
        }
        #expect(!stderr.contains("refusing plain http://"), "\(stderr)")
        #expect(stderr.contains(": GET /v1/models/alice/a/versions"), "\(stderr)")
        #expect(stderr.contains("example.invalid"), "\(stderr)")
        #expect(!stderr.contains(Apply.token))
    }

    @Test func gitOverHTTPSNeedsTheGitCAFileForAPrivateCAAndSaysSo() async throws {
        let authority = try await Self.authority()
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, certificate: authority)
        let cache = try TemporaryDirectory("tls-git")
        #expect(server.url.hasPrefix("https://localhost:"))
        let refused = try await Self.run(["source", "--repo", server.url, "--cache-dir", cache.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was rejected") && refused.stderr.contains("--git-ca-file"), "\(refused.stderr)")
        #expect(server.requests().isEmpty, "nothing was sent over the untrusted connection")
        let trusted = try await Self.run(["source", "--repo", server.url, "--cache-dir", cache.path, "--git-ca-file", authority.caCertificate])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(trusted.stdout.contains("models/a.yaml"))
    }

    @Test func gitCredentialsOverPlainHTTPToAHostThatIsNotLoopbackAreRefusedUnlessGitInsecureHTTPIsGiven() async throws {
        let cache = try TemporaryDirectory("insecure-git")
        let passwordFile = cache.path + "/password"
        try "pw-NOT-TO-BE-SENT".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let refusal = "refusing to send git credentials over plain http:// to example.invalid"
        // (arguments, refused): `.invalid` never resolves, so anything not refused fails at the network step instead.
        let cases: [([String], Bool)] = [
            (["--repo", "http://deployer:pw-NOT-TO-BE-SENT@example.invalid/r.git"], true),
            (["--repo", "http://example.invalid/r.git", "--git-username", "deployer", "--git-password-file", passwordFile], true),
            (["--repo", "http://example.invalid/r.git", "--git-bearer-token-file", passwordFile], true),
            (["--repo", "http://example.invalid/r.git"], false),
            (["--repo", "http://deployer:pw-NOT-TO-BE-SENT@example.invalid/r.git", "--git-insecure-http"], false),
        ]
        for (arguments, refused) in cases {
            let run = try await Self.run(["source", "--cache-dir", cache.path, "--git-timeout", "10"] + arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.contains(refusal) == refused, "\(arguments): \(run.stderr)")
            if refused { #expect(run.stderr.contains("--git-insecure-http"), "\(run.stderr)") }
            #expect(!run.stderr.contains("pw-NOT-TO-BE-SENT") && !run.stdout.contains("pw-NOT-TO-BE-SENT"))
        }
    }

    // MARK: - The emulator executable

    static var emulatorExecutable: String { BuildProducts.emulator }

    /// Runs `executable` (`wriftsync` by default) to the end, with an empty stdin and the test token.
    static func run(_ arguments: [String], executable: String = SourceCommandTests.executable) async throws -> SourceCommandTests.Run {
        try await onOwnThread {
            let process = try Apply.launch(arguments, executable: executable)
            try (process.standardInput as! Pipe).fileHandleForWriting.close()
            return Apply.wait(process)
        }
    }

    /// Starts `wriftai-emulator` and returns it with the first line it printed.
    static func startEmulator(_ arguments: [String]) async throws -> (ChildProcess, String) {
        let process = try Apply.launch(arguments, executable: Self.emulatorExecutable)
        let line = try await Launcher.firstLine(of: process)
        return (process, line.components(separatedBy: "\n").first ?? "")
    }

    @Test func theEmulatorExecutableServesHTTPSWithTLSCertAndTLSKey() async throws {
        let authority = try await Self.authority()
        let (process, line) = try await Self.startEmulator(
            ["--port", "0", "--token", "alice=\(Apply.token)", "--model", "alice/demo", "--tls-cert", authority.serverCertificate, "--tls-key", authority.serverKey]
        )
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(line.hasPrefix("listening on https://localhost:") && line.hasSuffix("/v1"), "\(line)")
        let baseURL = line.replacingOccurrences(of: "listening on ", with: "")
        let trusted = try await onOwnThread {
            try Shell.run(["curl", "-sf", "--cacert", authority.caCertificate, "-H", "Authorization: Bearer \(Apply.token)", baseURL + "/models/alice/demo"])
        }
        #expect(try JSONDecoder().decode(Model.self, from: Data(trusted.utf8)).name == "demo")
        let untrusted = await #expect(throws: Shell.Failure.self) {
            try await onOwnThread { try Shell.run(["curl", "-sS", baseURL + "/models/alice/demo"]) }
        }
        #expect(untrusted?.status == 60, "curl: peer certificate cannot be authenticated with known CA certificates")

        let stopped = try await onOwnThread {
            kill(process.processIdentifier, SIGTERM)
            return Apply.wait(process)
        }
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    @Test func theEmulatorExecutableRefusesIncompleteOrUnreadableTLSSettings() async throws {
        let halfGiven = try await Self.run(["--tls-cert", "/nonexistent/cert.pem"], executable: Self.emulatorExecutable)
        #expect(halfGiven.status == 64, "\(halfGiven.stderr)")
        #expect(halfGiven.stderr.contains("--tls-cert and --tls-key go together"), "\(halfGiven.stderr)")
        let missing = try await Self.run(["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], executable: Self.emulatorExecutable)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read the TLS certificate /nonexistent/cert.pem"), "\(missing.stderr)")
    }
}
