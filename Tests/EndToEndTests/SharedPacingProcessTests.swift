import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// Processes started one right after another on one token and cache directory continue each other's
/// rate-limit window instead of each starting with a fresh bucket inside a window already used up.
@Suite(.onOwnThreads) struct SharedPacingProcessTests {
    @Test func fourBackToBackProcessesAtThreePerSecondDrawNo429() async throws {
        let cache = try TemporaryDirectory("pacing")
        let out = try TemporaryDirectory("pacing-out")
        let storage = try InMemoryEmulatorStorage()
        var configuration = try PlanCommandTests.configuration(models: ["alice/pace"])
        configuration.rateLimit = .init(authenticated: 3, unauthenticated: 1)
        try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
            try await PlanCommandTests.seed(storage, "alice/pace", [(1, "first"), (2, "second")])
            // Each run lists the model and reads both versions' details and configurations: 5 requests.
            let arguments = ["import", "alice/pace", "--out", out.path, "--force", "--api-url", emulator.baseURL,
                             "--rate-limit", "3", "--cache-dir", cache.path]
            for run in 1...4 {
                let result = try await onOwnThread {
                    try SourceCommandTests.run(arguments, environment: ["WRIFTAI_ACCESS_TOKEN": PlanCommandTests.token])
                }
                #expect(result.status == 0, "run \(run): \(result.stderr)")
                #expect(!result.stderr.contains("rate limited"), "run \(run): \(result.stderr)")
            }
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.rateLimited == 0, "\(stats.requests)")
            #expect(stats.total == 20)

            // The window they shared, under the cache directory and named without the token.
            let host = try #require(URL(string: emulator.baseURL)).port.map { "127.0.0.1-\($0)" }
            let folder = cache.path + "/api/" + (host ?? "")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("ratelimit-") }
            #expect(names.count == 1, "\(names)")
            let contents = try String(contentsOfFile: folder + "/" + (names.first ?? ""), encoding: .utf8)
            #expect(!contents.contains(PlanCommandTests.token) && !(names.first ?? "").contains(PlanCommandTests.token))
            #expect(contents.contains("\"server_limit\":3"))
        }
    }

    @Test func planPlanPlanOutThenApplyPlanBackToBackAtThreePerSecondDrawNo429() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": ApplyCommandTests.declaration("alice/a", [1, 2]),
            "models/b.yaml": ApplyCommandTests.declaration("alice/b", [3]),
        ])
        let cache = try TemporaryDirectory("pacing")
        let storage = try InMemoryEmulatorStorage()
        var configuration = try ApplyCommandTests.emulator(["alice/a", "alice/b"])
        configuration.rateLimit = .init(authenticated: 3, unauthenticated: 1)
        try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
            let common = ["--repo", repository.path, "--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "3"]
            let planFile = cache.path + "/plan.json"
            // The usual CI sequence, each process started as soon as the one before exits.
            for arguments in [["plan"] + common, ["plan"] + common, ["plan", "--out", planFile] + common,
                              ["apply", "--plan", planFile, "--auto-approve"] + common] {
                let result = try await ApplyCommandTests.run(arguments)
                #expect(result.status == 0, "\(arguments.first ?? ""): \(result.stderr)")
                #expect(!result.stderr.contains("rate limited"), "\(result.stderr)")
            }
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.rateLimited == 0, "\(stats.requests)")
            #expect(await ApplyCommandTests.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
        }
    }
}
