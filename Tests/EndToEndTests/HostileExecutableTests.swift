import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// `wriftai-emulator --hostile-…`: every switch of ``EmulatorConfiguration/Hostile`` is a flag, so that
/// end-to-end tests (and people) can start a lying server.
@Suite("wriftai-emulator --hostile flags")
struct HostileExecutableTests {
    static var executable: URL { BuildProducts.directory.appendingPathComponent("wriftai-emulator") }
    static let base = ["--token", "alice=secret", "--model", "alice/demo", "--model", "alice/other", "--rate-limit", "0"]

    /// Runs the executable with `flags`, then `body` with a client, then stops it with SIGTERM and expects
    /// a clean exit (held and trickled answers included).
    static func withExecutable(_ flags: [String], _ body: (EmulatorTestClient) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "build the package first")
        let process = try Subprocess(executable: executable, arguments: base + flags + ["--port", "0"])
        defer { process.killIfRunning() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.killIfRunning()
        }
        let line = await process.firstLine()
        watchdog.cancel()
        let prefix = "listening on http://127.0.0.1:"
        let port = try #require(line.flatMap { Int($0.dropFirst(prefix.count).dropLast("/v1".count)) }, "\(line ?? "")")
        try await withClient(port: port, body)
        process.send(SIGTERM)
        let (termination, _, stderr) = await process.wait()
        #expect(termination == Subprocess.Termination(status: 0, exited: true), "stderr: \(stderr)")
    }

    static func createTwo(_ client: EmulatorTestClient, model: String = "demo") async throws {
        for seed in [0xAB1, 0xAB2] {
            let created = try await client.send(
                .post, "/v1/models/alice/\(model)/versions", token: "secret", json: EmulatorFixture.versionBody(seed))
            #expect(created.status == 201)
        }
    }

    @Test("listing flags")
    func listingFlags() async throws {
        let list = "/v1/models/alice/demo/versions?page_size=5"
        try await Self.withExecutable(["--hostile-digest", "uppercase", "--hostile-number=-1", "--hostile-pad-bytes", "64"]) { client in
            try await Self.createTwo(client)
            let text = String(decoding: try await client.send(.get, list, token: "secret").body, as: UTF8.self)
            #expect(text.contains(#"{"number":-1,"#))
            #expect(text.contains("AB2\""))
            #expect(text.contains(#""padding":""#))
        }
        try await Self.withExecutable(["--hostile-list-other-model", "alice/demo=alice/other", "--hostile-omit-number", "1", "--hostile-list-lag-ms", "1"]) { client in
            try await Self.createTwo(client, model: "other")
            let numbers = try await client.send(.get, list, token: "secret").decode(Page<ModelVersion>.self).items.map(\.number)
            #expect(numbers == [2], "the other model's, without #1 the first time")
        }
        try await Self.withExecutable(["--hostile-fresh-cursors", "--hostile-cursor-bytes", "100", "--hostile-repeat-item"]) { client in
            let page = try await client.send(.get, list, token: "secret").decode(Page<ModelVersion>.self)
            #expect(page.items.count == 5)
            #expect(page.nextCursor?.utf8.count == 100)
        }
        try await Self.withExecutable(["--hostile-deep-json", "520"]) { client in
            let text = String(decoding: try await client.send(.get, list, token: "secret").body, as: UTF8.self)
            #expect(text.contains(String(repeating: "[", count: 520)))
        }
    }

    @Test("request flags")
    func requestFlags() async throws {
        try await Self.withExecutable(["--hostile-advertise-limit", "100000", "--hostile-422-detail", "object", "--hostile-trickle-ms", "1"]) { client in
            let model = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(model.header("x-ratelimit-limit") == "100000")
            let refused = try await client.send(.post, "/v1/models/alice/demo/versions", token: "secret", json: EmulatorFixture.versionBody(1))
            #expect(refused.status == 422)
            #expect(refused.json?["detail"]?["error"]?.stringValue == "quota_exceeded")
        }
        try await Self.withExecutable(["--hostile-always-429", "55"]) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(answer.status == 429)
        }
        try await Self.withExecutable(["--hostile-retry-after-date", "30"]) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(answer.status == 429)
            #expect(answer.header("retry-after")?.hasSuffix(" GMT") == true)
        }
        try await Self.withExecutable(["--hostile-404", "generic", "--hostile-422-detail", "string"]) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: "secret")
            #expect(answer.detail == "Not Found")
        }
    }

    @Test("a never-answering executable still stops cleanly on SIGTERM")
    func neverAnswer() async throws {
        try await Self.withExecutable(["--hostile-never-answer"]) { client in
            let answered = await RawRequest.answers(
                port: client.port, path: "/v1/models/alice/demo", token: "secret", timeout: .seconds(1))
            #expect(!answered)
            let stats = try await client.stats()
            #expect(stats.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 0) == 1)
        }
    }

    @Test(
        "invalid hostile flags are refused before serving",
        arguments: [
            ["--hostile-digest", "lowercase"],
            ["--hostile-number", "twelve"],
            ["--hostile-list-other-model", "alice/demo"],
            ["--hostile-422-detail", "list"],
            ["--hostile-404", "json"],
            ["--hostile-trickle-ms", "-1"],
        ]
    )
    func invalidFlags(_ flags: [String]) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path))
        let process = try Subprocess(executable: Self.executable, arguments: flags)
        defer { process.killIfRunning() }
        let (termination, stdout, stderr) = await process.wait()
        #expect(termination?.status != 0)
        #expect(!stdout.contains("listening on"))
        #expect(stderr.contains("--hostile"))
    }
}
