import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// `wriftsync plan` against a server that lies (issue 20), end to end: a converged repository of nine
/// versions, the emulator telling one lie, and the real executable measured (its own peak RSS). Each case
/// must fail the plan with a message naming what was wrong — never a plan of deletes — in bounded time and
/// memory, with the requests counted on the server and no write. Serialized so that each process's time
/// and memory are its own.
@Suite(.serialized, .onOwnThreads) struct HostilePlanTests {
    typealias Plan = PlanCommandTests
    static let model = "alice/sentiment"
    /// 0xaa…0xb2: digests with hex letters in them, so that uppercase shows.
    static let seeds = Array(170...178)
    static let memoryBound = 300 << 20
    /// Each run is killed after this long; the cases take a few seconds (the trickle case about 20).
    static let runTimeout = 100.0

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var hostile = EmulatorConfiguration.Hostile()
        var extraFlags: [String] = []
        /// Versions stored beyond the nine declared ones (for lies that need a second page).
        var extraStored = 0
        /// What stderr must contain.
        let expected: [String]
        /// The most list requests the plan may make.
        var maxListRequests = 1
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "digests without sha256:", hostile: .init(listedDigest: .unprefixed),
            expected: [#"alice/sentiment: items[0].container_image_digest is "\#(String(repeating: "b2", count: 32))", which must match ^sha256:[a-f0-9]{64}$"#]),
        Case(
            name: "digests with a trailing space", hostile: .init(listedDigest: .trailingSpace),
            expected: [#"items[0].container_image_digest is "sha256:\#(String(repeating: "b2", count: 32)) ", which must match"#]),
        Case(
            name: "digests in uppercase", hostile: .init(listedDigest: .uppercase),
            expected: [#"items[0].container_image_digest is "sha256:\#(String(repeating: "B2", count: 32))", which must match"#]),
        Case(
            name: "a version number of 2^63-1", hostile: .init(listedNumber: "9223372036854775807"),
            expected: ["alice/sentiment: items[0].number is 9223372036854775807, which must be a whole number from 1 to 2^53"]),
        Case(
            name: "a version number of 0", hostile: .init(listedNumber: "0"),
            expected: ["items[0].number is 0, which must be a whole number from 1 to 2^53"]),
        Case(
            name: "a version number of -1", hostile: .init(listedNumber: "-1"),
            expected: ["items[0].number is -1, which must be a whole number from 1 to 2^53"]),
        Case(
            name: "a decimal version number", hostile: .init(listedNumber: "1.5"),
            expected: ["items[0].number is 1.5, which must be a whole number from 1 to 2^53"]),
        Case(
            name: "JSON nested 600 deep", hostile: .init(deepJSON: 600),
            expected: ["the answer nests arrays or objects more than 512 levels deep"]),
        Case(
            name: "an item repeated across pages", hostile: .init(repeatItemAcrossPages: true), extraStored: 46,
            expected: ["items[0].number on page 2 is 6, which must appear once in a listing, but page 1 listed it already"],
            maxListRequests: 2),
        Case(
            name: "a body trickled one byte every 500 ms", hostile: .init(trickleMilliseconds: 500),
            extraFlags: ["--api-timeout", "2"],
            expected: ["timed out after 2 s: GET /v1/models/alice/sentiment/versions?page_size=50"],
            maxListRequests: 5),
        Case(
            name: "a fresh cursor on every padded page", hostile: .init(freshCursors: true, padBytes: 64 * 1024),
            expected: ["incomplete listing", "stopped after more than 10000 versions, the most a listing may hold"],
            maxListRequests: 210),
        Case(
            name: "a server that never answers, under --deadline 3", hostile: .init(neverAnswer: true),
            extraFlags: ["--deadline", "3"],
            expected: ["deadline exceeded: the overall limit of 3 s (--deadline) was reached at GET /v1/models/alice/sentiment/versions"]),
        Case(
            name: "a 429 with a reset 55 s ahead every time, under --deadline 5", hostile: .init(alwaysRateLimitedSeconds: 55),
            extraFlags: ["--deadline", "5", "--max-rate-limit-wait", "120"],
            expected: ["deadline exceeded: the overall limit of 5 s (--deadline)", "from now, after the deadline"]),
        Case(
            name: "a proxy's HTML 404", hostile: .init(notFoundBody: .html),
            expected: ["404 (<html>\\r\\n<head><title>404 Not Found</title>", "may be wrong (it should end in a single /v1"]),
    ]

    @Test(arguments: cases)
    func planFailsWithoutPlanningDeletes(_ testCase: Case) async throws {
        let repository = try TestRepository(files: [
            "models/sentiment.yaml": Plan.declaration(Self.model, versions: Self.seeds.map { ($0, "Release \($0)") }),
        ])
        let cache = try TemporaryDirectory("hostile-plan")
        let storage = try InMemoryEmulatorStorage()
        var configuration = try Plan.configuration(models: [Self.model])
        configuration.hostile = testCase.hostile
        try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
            let stored = Self.seeds + (0..<testCase.extraStored).map { 100 + $0 }
            try await Plan.seed(storage, Self.model, stored.map { ($0, "Release \($0)") })
            let run = try await Self.plan(emulator, repository: repository, cache: cache, testCase.extraFlags)
            #expect(!run.timedOut, "\(run.summary)")
            #expect(run.status == 1, "\(run.summary)\n\(run.stdout)\n\(run.stderr)")
            for text in testCase.expected {
                #expect(run.stderr.contains(text), "\(text) not in: \(run.stderr)")
            }
            #expect(run.stderr.contains("(nothing was planned)"))
            #expect(!run.stdout.contains("delete"), "no plan printed: \(run.stdout)")
            #expect(run.peakMemory < Self.memoryBound, "\(run.summary)")
            let stats = try await Plan.stats(emulator)
            #expect(stats.requests.allSatisfy { $0.method == "GET" }, "no write: \(stats.requests)")
            let lists = stats.count(method: "GET", route: Plan.listRoute)
            #expect(lists >= 1 && lists <= testCase.maxListRequests, "\(lists) list requests")
        }
    }

    @Test(
        "a wrong base URL says so and shows it, instead of 'model does not exist'",
        arguments: ["", "/v1/v1", "/api"]
    )
    func wrongBaseURL(_ path: String) async throws {
        let repository = try TestRepository(files: [
            "models/sentiment.yaml": Plan.declaration(Self.model, versions: [(1, "One")]),
        ])
        let cache = try TemporaryDirectory("hostile-plan")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: try Plan.configuration(models: [Self.model]), storage: storage) {
            emulator in
            let base = "http://127.0.0.1:\(emulator.port)\(path)"
            let run = try await Self.plan(emulator, repository: repository, cache: cache, apiURL: base)
            #expect(run.status == 1)
            #expect(run.stderr.contains("GET \(path)/models/alice/sentiment/versions?page_size=50: 404 (Not Found)"), "\(run.stderr)")
            #expect(run.stderr.contains("the API base URL \"\(base)\" may be wrong"))
            #expect(!run.stderr.contains("does not exist"))
            #expect(try await Plan.stats(emulator).total == 1, "not retried")
        }
    }

    @Test("a token that is missing, holds a line break, or starts with Bearer fails before any request, never shown")
    func tokens() async throws {
        let repository = try TestRepository(files: [
            "models/sentiment.yaml": Plan.declaration(Self.model, versions: [(1, "One")]),
        ])
        let cache = try TemporaryDirectory("hostile-plan")
        let tokenFile = cache.path + "/token"
        try "Bearer \(Plan.token)\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: try Plan.configuration(models: [Self.model]), storage: storage) {
            emulator in
            let missing = try await Self.plan(emulator, repository: repository, cache: cache, environment: ["WRIFTAI_ACCESS_TOKEN": ""])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no WriftAI access token: set $WRIFTAI_ACCESS_TOKEN or pass --token-file FILE"), "\(missing.stderr)")

            let newline = try await Self.plan(
                emulator, repository: repository, cache: cache, environment: ["WRIFTAI_ACCESS_TOKEN": "first-half\nsecond-half"])
            #expect(newline.status == 1)
            #expect(newline.stderr.contains("$WRIFTAI_ACCESS_TOKEN holds a line break (LF) at character 11"), "\(newline.stderr)")
            #expect(!(newline.stdout + newline.stderr).contains("first-half"))
            #expect(!(newline.stdout + newline.stderr).contains("second-half"))

            let bearer = try await Self.plan(
                emulator, repository: repository, cache: cache, ["--token-file", tokenFile], environment: ["WRIFTAI_ACCESS_TOKEN": ""])
            #expect(bearer.status == 1)
            #expect(bearer.stderr.contains("starts with \"Bearer \": give the token alone"), "\(bearer.stderr)")
            #expect(!(bearer.stdout + bearer.stderr).contains(Plan.token))

            #expect(try await Plan.stats(emulator).total == 0, "nothing reached the API")
        }
    }

    @Test("the wriftai-emulator executable tells the same lies from its --hostile flags")
    func executableFlags() async throws {
        let repository = try TestRepository(files: [
            "models/sentiment.yaml": Plan.declaration(Self.model, versions: [(10, "Ten")]),
        ])
        let cache = try TemporaryDirectory("hostile-plan")
        for (flags, expected) in [
            (["--hostile-digest", "trailing-space"], "items[0].container_image_digest is \"sha256:0a0a"),
            (["--hostile-number", "9223372036854775807"], "items[0].number is 9223372036854775807"),
        ] {
            let emulator = try EmulatorProcess.start(
                ["--token", "alice=\(Plan.token)", "--model", Self.model, "--rate-limit", "0"] + flags)
            defer { emulator.kill() }
            let token = Plan.token
            let create = try await onOwnThread {
                try Shell.run([
                    "curl", "-sf", "-X", "POST", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
                    "-d", #"{"release_notes":"Ten","container_image_digest":"\#(repeatedDigest(10))","schemas":{"prediction":{"input":{"type":"object"},"output":{"type":"string"}}}}"#,
                    "\(emulator.baseURL)/models/alice/sentiment/versions",
                ])
            }
            #expect(create.contains("\"number\":1"))
            let run = try await onOwnThread {
                try MeasuredRun.run(
                    ["plan", "--repo", repository.path, "--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "200"],
                    environment: ["WRIFTAI_ACCESS_TOKEN": token, "NO_COLOR": "1"], timeout: Self.runTimeout)
            }
            #expect(run.status == 1, "\(run.summary) \(run.stderr)")
            #expect(run.stderr.contains(expected), "\(run.stderr)")
            emulator.kill()
        }
    }

    static func plan(
        _ emulator: RunningEmulator,
        repository: TestRepository,
        cache: TemporaryDirectory,
        _ extra: [String] = [],
        apiURL: String? = nil,
        environment: [String: String] = ["WRIFTAI_ACCESS_TOKEN": Plan.token]
    ) async throws -> MeasuredRun {
        let arguments = [
            "plan", "--repo", repository.path, "--api-url", apiURL ?? emulator.baseURL, "--cache-dir", cache.path,
            "--rate-limit", "200",
        ] + extra
        var environment = environment
        environment["NO_COLOR"] = "1"
        let fixed = environment
        return try await onOwnThread { try MeasuredRun.run(arguments, environment: fixed, timeout: Self.runTimeout) }
    }
}
