import Controller
import Foundation
@testable import GitSource
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// A demo-like life of WriftSync with recognisable secrets — an API token, a git password (from a file and
/// embedded in the repository URL) and a webhook secret — through every subcommand, the controller's
/// endpoints and the failures (wrong token, wrong git password, API 5xx, invalid declarations). Everything
/// WriftSync printed, logged, served or wrote is captured, and no secret may appear in any of it, in any
/// encoding a transport uses.
@Suite(.onOwnThreads) struct SecretsEndToEndTests {
    typealias Apply = ApplyCommandTests

    static let token = "wst-SECRET-TOKEN-4f1c8e27b9d04a6c"
    static let wrongToken = "wst-SECRET-WRONGTOKEN-77aa01c3"
    static let gitUser = "deployer"
    /// `/`, `+` and `@` must be percent-encoded in a URL, so the encoded form differs from the plain one.
    static let gitPassword = "gitpw-SECRET-9b2e/c7+d@x41"
    static let wrongGitPassword = "gitpw-SECRET-WRONG-5e6f/0a"
    static let webhookSecret = "whsec-SECRET-0d9c3b7a1e"

    /// Every form in which a secret could leak: as is, percent-encoded (as in a URL), and Base64 of
    /// `user:password` (as in a Basic `Authorization` header). `SECRET`, in every secret, catches a
    /// secret cut short or wrapped.
    static var forbidden: [String] {
        var forms = [token, wrongToken, webhookSecret, "SECRET"]
        for password in [gitPassword, wrongGitPassword] {
            forms.append(password)
            forms.append(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            forms.append(password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed)!)
            forms.append(Data("\(gitUser):\(password)".utf8).base64EncodedString())
            forms.append(Data(password.utf8).base64EncodedString())
        }
        return Array(Set(forms)).sorted()
    }

    /// `http://deployer:PASSWORD@localhost:PORT/repo.git`, the password percent-encoded.
    static func embeddedURL(_ server: HTTPGitServer, password: String) -> String {
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return server.url.replacingOccurrences(of: "http://", with: "http://\(gitUser):\(encoded)@")
    }

    /// Everything WriftSync produced, by where it came from.
    final class Capture: @unchecked Sendable {
        private(set) var texts: [(label: String, text: String)] = []

        func add(_ label: String, _ text: String) { texts.append((label, text)) }

        func add(_ label: String, _ run: SourceCommandTests.Run) {
            add(label + " stdout", run.stdout)
            add(label + " stderr", run.stderr)
        }

        /// Every regular file under `directory`, as text (binary files too: the secrets are ASCII).
        func addFiles(under directory: String, label: String) -> Int {
            var count = 0
            let enumerator = FileManager.default.enumerator(atPath: directory)
            while let relative = enumerator?.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let path = directory + "/" + relative
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    let data = FileManager.default.contents(atPath: path)
                else { continue }
                add("\(label)/\(relative)", String(decoding: data, as: UTF8.self))
                count += 1
            }
            return count
        }
    }

    /// Starts `wriftsync` with the API token only where `token` says (never the test's default one).
    static func launch(_ arguments: [String], token: String?) throws -> ChildProcess {
        let process = try Launcher.launch(
            SourceCommandTests.executable, arguments,
            environment: ["NO_COLOR": "1"].merging(token.map { ["WRIFTAI_ACCESS_TOKEN": $0] } ?? [:]) { $1 },
            unset: ["WRIFTAI_ACCESS_TOKEN"]
        )
        try (process.standardInput as! Pipe).fileHandleForWriting.close()
        return process
    }

    /// Runs `wriftsync` to the end and records its output under `label`.
    @discardableResult
    static func run(_ label: String, _ arguments: [String], token: String? = nil, into capture: Capture) async throws -> SourceCommandTests.Run {
        let result = try await onOwnThread { Apply.wait(try launch(arguments, token: token)) }
        capture.add(label, result)
        return result
    }

    /// `curl -s` recording the body; returns the status code and the body.
    static func curl(_ label: String, _ arguments: [String], into capture: Capture) async throws -> (code: String, body: String) {
        let answer = try await RunCommandTests.curl(arguments)
        capture.add(label, answer.body)
        return answer
    }

    @Test func noSecretAppearsInAnyOutputLogSavedPlanEndpointOrCacheFile() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2]), "README.md": "# models\n"])
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: Self.gitUser, password: Self.gitPassword))
        let credentials = try TemporaryDirectory("e2e-credentials")
        let files = (
            token: credentials.path + "/api-token", wrongToken: credentials.path + "/wrong-api-token",
            password: credentials.path + "/git-password", wrongPassword: credentials.path + "/wrong-git-password",
            webhook: credentials.path + "/webhook"
        )
        for (path, value) in [(files.token, Self.token), (files.wrongToken, Self.wrongToken), (files.password, Self.gitPassword),
                              (files.wrongPassword, Self.wrongGitPassword), (files.webhook, Self.webhookSecret)] {
            try (value + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let cache = try TemporaryDirectory("e2e-cache"), urlCache = try TemporaryDirectory("e2e-urlcache")
        let work = try TemporaryDirectory("e2e-work")
        let planFile = work.path + "/plan.json"
        let withFile = ["--repo", server.url, "--git-username", Self.gitUser, "--git-password-file", files.password, "--cache-dir", cache.path]
        let withURL = ["--repo", Self.embeddedURL(server, password: Self.gitPassword), "--cache-dir", urlCache.path]
        let capture = Capture()

        // The repository alone: both ways of giving the password, and both wrong.
        for (label, git) in [("file", withFile), ("url", withURL)] {
            #expect(try await Self.run("source \(label)", ["source"] + git, into: capture).status == 0)
            #expect(try await Self.run("source --json \(label)", ["source", "--json"] + git, into: capture).status == 0)
            #expect(try await Self.run("validate \(label)", ["validate"] + git, into: capture).status == 0)
        }
        let wrongFile = ["--repo", server.url, "--git-username", Self.gitUser, "--git-password-file", files.wrongPassword, "--cache-dir", cache.path]
        let wrongURL = ["--repo", Self.embeddedURL(server, password: Self.wrongGitPassword), "--cache-dir", urlCache.path]
        for (label, git) in [("wrong file", wrongFile), ("wrong url", wrongURL)] {
            let refused = try await Self.run("source \(label)", ["source"] + git, into: capture)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("authentication failed"), "\(refused.stderr)")
        }

        let storage = try InMemoryEmulatorStorage()
        let emulator = EmulatorConfiguration(
            authentication: .init(usersByToken: [Self.token: "alice"]),
            rateLimit: .off,
            initialModels: [try InitialModel(parsing: "alice/a")]
        )
        try await withRunningEmulator(configuration: emulator, storage: storage) { emulator in
            let api = ["--api-url", emulator.baseURL, "--rate-limit", "1000"]
            let tokenFile = ["--token-file", files.token]

            let saved = try await Self.run("plan json --out", ["plan", "--format", "json", "--out", planFile] + withFile + api + tokenFile, into: capture)
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(try await Self.run("plan markdown", ["plan", "--format", "markdown"] + withURL + api, token: Self.token, into: capture).status == 0)
            #expect(try await Self.run("plan text", ["plan"] + withURL + api + tokenFile, into: capture).status == 0)
            let applied = try await Self.run("apply --plan", ["apply", "--plan", planFile, "--auto-approve", "--cache-dir", cache.path] + api + tokenFile, into: capture)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
            // A saved plan checked against the repository, which refuses the password in the URL.
            let unchecked = try await Self.run(
                "apply --plan wrong url", ["apply", "--plan", planFile, "--auto-approve"] + wrongURL + api + tokenFile, into: capture)
            #expect(unchecked.status == 1)
            #expect(unchecked.stderr.contains("cannot check the plan against \(server.url)"), "\(unchecked.stderr)")
            #expect(try await Self.run("apply json", ["apply", "--auto-approve", "--format", "json"] + withURL + api, token: Self.token, into: capture).status == 0)

            // A wrong token: 401, nothing written.
            let unauthorized = try await Self.run("apply wrong token", ["apply", "--auto-approve"] + withFile + api + ["--token-file", files.wrongToken], into: capture)
            #expect(unauthorized.status == 1)
            #expect(unauthorized.stderr.contains("401"), "\(unauthorized.stderr)")
            #expect(try await Self.run("run --once --dry-run", ["run", "--once", "--dry-run", "--log-format", "json"] + withURL + api + tokenFile, into: capture).status == 0)
            #expect(try await Self.run("run --once text", ["run", "--once", "--log-format", "text"] + withFile + api + tokenFile, into: capture).status == 0)

            // The controller with its endpoints and the webhook, the password in the URL.
            let process = try Self.launch(
                ["run", "--interval", "1h", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--webhook-secret-file", files.webhook,
                 "--log-format", "json"] + withURL + api,
                token: Self.token
            )
            let firstLine = try await Launcher.firstLine(of: process)
            capture.add("run stdout (first line)", firstLine)
            let base = try #require(firstLine.components(separatedBy: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") })
                .replacingOccurrences(of: "listening on ", with: "")
            #expect(try await RunCommandTests.eventually { try await RunCommandTests.curl([base + "/readyz"]).code == "200" })
            for endpoint in ["/healthz", "/readyz", "/status", "/metrics"] {
                _ = try await Self.curl("GET \(endpoint)", [base + endpoint], into: capture)
            }

            try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2, 3]))
            try repository.commit("add v3")
            let body = #"{"ref":"refs/heads/main"}"#
            let forged = try await Self.curl("forged webhook", ["-X", "POST", "-H", "X-Hub-Signature-256: sha256=" + String(repeating: "0", count: 64), "-d", body, base + "/hooks/git"], into: capture)
            #expect(forged.code == "401")
            let signature = WebhookSignature.sign(Array(body.utf8), secret: Array(Self.webhookSecret.utf8))
            let signed = try await Self.curl("signed webhook", ["-X", "POST", "-H", "X-Hub-Signature-256: " + signature, "-d", body, base + "/hooks/git"], into: capture)
            #expect(signed.code == "202")
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [1, 2, 3].map(repeatedDigest) })

            // An invalid declaration: the next reconcile fails, and /status and /metrics say so.
            try repository.write("models/a.yaml", "model: alice/a\nversions: [oops]\n")
            try repository.commit("break a")
            // A delivery of its own (a push's payload names its commits): the same one again would start nothing.
            let body2 = #"{"ref":"refs/heads/main","after":"break a"}"#
            let signature2 = WebhookSignature.sign(Array(body2.utf8), secret: Array(Self.webhookSecret.utf8))
            let again = try await Self.curl("signed webhook 2", ["-X", "POST", "-H", "X-Hub-Signature-256: " + signature2, "-d", body2, base + "/hooks/git"], into: capture)
            #expect(again.code == "202")
            #expect(try await RunCommandTests.eventually {
                let body = try await RunCommandTests.curl([base + "/status"]).body
                return body.contains(" in the declarations at ") && body.contains(#""class" : "stalled""#)
            })
            for endpoint in ["/status", "/metrics", "/readyz"] {
                _ = try await Self.curl("GET \(endpoint) after a failure", [base + endpoint], into: capture)
            }
            let stopped = try await onOwnThread {
                kill(process.processIdentifier, SIGTERM)
                return Apply.wait(process)
            }
            capture.add("run", stopped)
            #expect(stopped.status == 0, "\(stopped.stderr)")

            // The invalid declaration everywhere else, and the controller with a wrong git password.
            #expect(try await Self.run("validate invalid", ["validate"] + withURL, into: capture).status == 1)
            #expect(try await Self.run("plan invalid", ["plan"] + withFile + api + tokenFile, into: capture).status == 1)
            #expect(try await Self.run("run --once invalid", ["run", "--once", "--log-format", "json"] + withURL + api, token: Self.token, into: capture).status == 1)
            let wrongGit = try await Self.run("run --once wrong git password", ["run", "--once", "--log-format", "json"] + wrongFile + api + tokenFile, into: capture)
            #expect(wrongGit.status == 1)
            #expect(wrongGit.stderr.contains("authentication failed"), "\(wrongGit.stderr)")
        }

        // An API that answers 503 to everything (`--fail-rate 1`): apply and run fail after their retries.
        try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2, 3, 4]))
        try repository.commit("add v4")
        var failing = emulator
        failing.faults = .init(failRate: 1)
        try await withRunningEmulator(configuration: failing, storage: storage) { emulator in
            let api = ["--api-url", emulator.baseURL, "--rate-limit", "1000", "--token-file", files.token]
            let apply = try await Self.run("apply 5xx", ["apply", "--auto-approve"] + withURL + api, into: capture)
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("503"), "\(apply.stderr)")
            #expect(try await Self.run("run --once 5xx", ["run", "--once", "--log-format", "json"] + withFile + api, into: capture).status == 1)
        }

        // Everything WriftSync wrote: the saved plan, both caches (mirrors, their git config, the details cache).
        #expect(capture.addFiles(under: work.path, label: "work") == 1)
        #expect(capture.addFiles(under: cache.path, label: "cache") > 5)
        #expect(capture.addFiles(under: urlCache.path, label: "url cache") > 5)
        #expect(capture.texts.contains { $0.label.hasPrefix("cache/api/") }, "the version details cache was written and checked")
        let mirrorConfigs = capture.texts.filter { $0.label.hasPrefix("url cache/git/") && $0.label.hasSuffix(".git/config") }
        #expect(mirrorConfigs.count == 1)
        for config in mirrorConfigs {
            #expect(config.text.contains("url = \(server.url)"), "the mirror remembers the URL without credentials: \(config.text)")
            #expect(!config.text.contains("\(Self.gitUser):"), "\(config.text)")
        }

        #expect(capture.texts.count > 80)
        var leaks: [String] = []
        for (label, text) in capture.texts {
            for form in Self.forbidden where text.contains(form) {
                let line = text.split(separator: "\n").first { $0.contains(form) } ?? ""
                leaks.append("\(label) contains \(form): \(line.prefix(300))")
            }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }

    @Test func messagesAreScrubbedOfTheBasicAuthorizationValueToo() throws {
        let credentials = GitCredentials(username: Self.gitUser, password: Secret(value: Self.gitPassword, source: "test"))
        let header = try #require(credentials.authorizationHeader)
        let scrubbed = Redaction.scrub("server said: \(header) was refused for \(Self.gitPassword)", secrets: credentials.secretValues)
        #expect(scrubbed == "server said: Authorization: Basic *** was refused for ***")
    }
}
