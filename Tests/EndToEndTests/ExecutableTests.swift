import Foundation
import Hummingbird
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("wriftai-emulator executable")
struct ExecutableTests {
    static var executable: URL { BuildProducts.directory.appendingPathComponent("wriftai-emulator") }

    /// Starts the executable, waits for its `listening on` line and answers the port in it.
    private func start(_ arguments: [String]) async throws -> (Subprocess, Int) {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "\(Self.executable.path) is missing: build the package (swift build) first"
        )
        let process = try Subprocess(executable: Self.executable, arguments: arguments)
        // A child that never announces itself is killed, which closes its output and ends the wait.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.killIfRunning()
        }
        let line = await process.firstLine()
        watchdog.cancel()
        guard let line else {
            let (_, _, stderr) = await process.wait()
            Issue.record("the emulator printed nothing; stderr: \(stderr)")
            throw CancellationError()
        }
        let prefix = "listening on http://127.0.0.1:"
        try #require(line.hasPrefix(prefix) && line.hasSuffix("/v1"), "unexpected first line: \(line)")
        let port = try #require(Int(line.dropFirst(prefix.count).dropLast("/v1".count)))
        #expect(port > 0)
        return (process, port)
    }

    /// Stops the child with `signal` and expects a clean exit.
    private func stop(_ process: Subprocess, with signal: Int32) async {
        process.send(signal)
        let (termination, _, stderr) = await process.wait()
        #expect(termination == Subprocess.Termination(status: 0, exited: true), "stderr: \(stderr)")
    }

    @Test("--port 0 prints the real port, serves the API and exits 0 on SIGTERM")
    func servesAndStops() async throws {
        let (process, port) = try await start(["--port", "0", "--token", "alice=secret", "--model", "alice/demo"])
        defer { process.killIfRunning() }
        try await withClient(port: port) { client in
            let model = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(model.status == 200)
            #expect(try model.decode(Model.self).owner.name == "alice")
            #expect(model.header("x-ratelimit-limit") == "3")
            let denied = try await client.send(.get, "/v1/models/alice/demo", token: "wrong")
            #expect(denied.status == 401)
            #expect(denied.header("x-ratelimit-limit") == "1")
        }
        await stop(process, with: SIGTERM)
    }

    @Test("token file, state file, legacy list, repeat-cursor and rate-limit options; state survives a SIGINT restart")
    func options() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = directory.appendingPathComponent("tokens")
        try "# users\nalice=alice-secret\n\nbob=bob-secret\n".write(to: tokens, atomically: true, encoding: .utf8)
        let state = directory.appendingPathComponent("state.json").path
        let arguments = [
            "--token-file", tokens.path, "--model", "alice/demo", "--state", state,
            "--rate-limit", "0", "--unauthenticated-rate-limit", "0", "--legacy-list", "--seed", "3",
            "--repeat-cursor",
        ]

        let (first, firstPort) = try await start(arguments)
        defer { first.killIfRunning() }
        try await withClient(port: firstPort) { client in
            let created = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: "alice-secret", json: EmulatorFixture.versionBody(1))
            #expect(created.status == 201)
            #expect(created.header("x-ratelimit-limit") == nil)
            let list = try await client.send(.get, "/v1/models/alice/demo/versions", token: "alice-secret")
            #expect(list.json?["items"]?.arrayValue?.first?["container_image_digest"] == nil)
            let bob = try await client.send(.get, "/v1/models/alice/demo", token: "bob-secret")
            #expect(bob.status == 404)
            for seed in 2...11 {
                _ = try await client.send(
                    .post, "/v1/models/alice/demo/versions", token: "alice-secret", json: EmulatorFixture.versionBody(seed))
            }
            let page = try await client.send(.get, "/v1/models/alice/demo/versions?page_size=5", token: "alice-secret")
            let cursor = try #require(page.json?["next_cursor"]?.stringValue)
            let repeated = try await client.send(
                .get, "/v1/models/alice/demo/versions?page_size=5&cursor=\(cursor)", token: "alice-secret")
            #expect(repeated.json?["next_cursor"]?.stringValue == cursor)
        }
        await stop(first, with: SIGINT)

        let (second, secondPort) = try await start(arguments)
        defer { second.killIfRunning() }
        try await withClient(port: secondPort) { client in
            let version = try await client.send(.get, "/v1/models/alice/demo/versions/1", token: "alice-secret")
            #expect(version.status == 200)
            #expect(try version.decode(ModelVersionDetails.self).containerImageDigest == digest(1))
        }
        await stop(second, with: SIGTERM)
    }

    @Test("chaos flags: --slow-rate/--slow-ms hold answers back, --throttle-for/--throttle-after start a 429 storm, --reset-rate closes connections")
    func chaosOptions() async throws {
        let (process, port) = try await start([
            "--token", "alice=secret", "--model", "alice/demo", "--rate-limit", "0",
            "--slow-rate", "1", "--slow-ms", "200", "--throttle-for", "3600", "--throttle-after", "1",
        ])
        defer { process.killIfRunning() }
        try await withClient(port: port) { client in
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: "secret").status == 200)
            #expect(clock.now - start >= .milliseconds(190), "held back by --slow-ms")
            let storm = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(storm.status == 429)
            let reset = try #require(storm.header("x-ratelimit-reset").flatMap(Double.init))
            #expect(reset > Date().timeIntervalSince1970 + 3500, "the storm's reset is an hour away")
        }
        await stop(process, with: SIGTERM)

        let (resetting, resettingPort) = try await start(["--token", "alice=secret", "--model", "alice/demo", "--reset-rate", "1"])
        defer { resetting.killIfRunning() }
        let answered = try? await withClient(port: resettingPort) { client in
            try await client.send(.get, "/v1/models/alice/demo", token: "secret").status
        }
        #expect(answered == nil, "the connection closed without an answer")
        await stop(resetting, with: SIGTERM)
    }

    @Test("prediction flags: --prediction-ms paces the lifecycle, --prediction-fail and --prediction-bad-output pick versions by digest")
    func predictionOptions() async throws {
        let (process, port) = try await start([
            "--token", "alice=secret", "--model", "alice/demo", "--rate-limit", "0", "--prediction-ms", "150",
            "--prediction-fail", digest(1), "--prediction-bad-output", digest(2).uppercased().replacingOccurrences(of: "SHA256", with: "sha256"),
        ])
        defer { process.killIfRunning() }
        try await withClient(port: port) { client in
            for seed in 1...3 {
                let created = try await client.send(.post, "/v1/models/alice/demo/versions", token: "secret", json: EmulatorFixture.versionBody(seed))
                try #require(created.status == 201)
            }
            func predict(_ number: Int, wait: Bool) async throws -> Prediction {
                let answer = try await client.send(
                    .post, "/v1/predictions", token: "secret", json: ["model": .string("alice/demo:\(number)"), "input": ["prompt": "hi"]],
                    headers: wait ? [HTTPFields.Element.Name("Prefer")!: "wait"] : [:])
                try #require(answer.status == 201, "\(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
                return try answer.decode(Prediction.self)
            }
            #expect(try await !predict(3, wait: false).status.isTerminal)
            let failed = try await predict(1, wait: true)
            #expect(failed.status == .failed)
            #expect(failed.error?.message.contains("--prediction-fail") == true)
            let bad = try await predict(2, wait: true)
            #expect(bad.status == .succeeded)
            #expect(bad.output?.stringValue == nil, "the output schema asks for a string: \(String(describing: bad.output))")
            let good = try await predict(3, wait: true)
            #expect(good.status == .succeeded)
            #expect(good.output?.stringValue != nil)
        }
        await stop(process, with: SIGTERM)
    }

    @Test(
        "invalid arguments are refused before serving",
        arguments: [
            ["--model", "no-slash"],
            ["--token", "missing-equals"],
            ["--fail-rate", "1.5"],
            ["--reset-rate", "2"],
            ["--slow-rate", "-0.1"],
            ["--slow-ms", "-1"],
            ["--throttle-for", "-5"],
            ["--port", "70000"],
            ["--token-file", "/nonexistent/tokens"],
            ["--prediction-ms", "-1"],
            ["--prediction-fail", "sha256:abc"],
            ["--prediction-bad-output", "latest"],
        ]
    )
    func invalidArguments(_ arguments: [String]) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path))
        let process = try Subprocess(executable: Self.executable, arguments: arguments)
        defer { process.killIfRunning() }
        let (termination, stdout, stderr) = await process.wait()
        #expect(termination?.exited == true)
        #expect(termination?.status != 0)
        #expect(!stdout.contains("listening on"))
        #expect(!stderr.isEmpty)
    }
}
