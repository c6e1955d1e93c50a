import Foundation
import JSONSchema
import Synchronization
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// `wriftsync apply` end to end: a real git repository, the emulator on loopback, and the built
/// executable in its own process (stdin not a terminal unless a test gives it one).
@Suite(.onOwnThreads) struct ApplyCommandTests {
    static let token = "apply-test-token"
    static let writeMethods: Set<String> = ["POST", "PATCH", "DELETE"]

    /// One YAML document declaring `model` with the versions `seeds` (notes "v<seed>").
    static func declaration(_ model: String, _ seeds: [Int], extra: String = "") -> String {
        PlanCommandTests.declaration(model, versions: seeds.map { ($0, "v\($0)") }, extra: extra)
    }

    static func emulator(_ models: [String], faults: EmulatorConfiguration.Faults = .init()) throws -> EmulatorConfiguration {
        try EmulatorFixture.configuration(token: token, models: models, faults: faults)
    }

    /// Stores versions directly, oldest first, with notes "v<seed>" (as the declarations have them).
    static func seed(_ storage: InMemoryEmulatorStorage, _ model: String, _ seeds: [Int]) async throws {
        try await PlanCommandTests.seed(storage, model, seeds.map { ($0, "v\($0)") })
    }

    /// The live versions, oldest first.
    static func live(_ storage: InMemoryEmulatorStorage, _ model: String) async -> [VersionRecord] {
        await EmulatorFixture.live(storage, model)
    }

    static func liveDigests(_ storage: InMemoryEmulatorStorage, _ model: String) async -> [String] {
        await live(storage, model).map(\.containerImageDigest)
    }

    /// Runs `wriftsync` with `arguments`; stdin is `input` (a pipe: never a terminal).
    static func run(_ arguments: [String], input: String = "") async throws -> SourceCommandTests.Run {
        try await onOwnThread {
            try Launcher.run(SourceCommandTests.executable, arguments, environment: environment, input: Data(input.utf8))
        }
    }

    /// The token, and no colours.
    static let environment = ["WRIFTAI_ACCESS_TOKEN": token, "NO_COLOR": "1"]

    /// Starts `wriftsync` with pipes for stdin, stdout and stderr.
    static func launch(_ arguments: [String], executable: String = SourceCommandTests.executable) throws -> ChildProcess {
        try Launcher.launch(executable, arguments, environment: environment)
    }

    /// Reads both pipes to the end (concurrently, so neither fills up), then reaps the process.
    static func wait(_ process: ChildProcess) -> SourceCommandTests.Run {
        Launcher.wait(process)
    }

    /// The common flags: the repository, the emulator, a cache, and no client-side pacing to speak of.
    static func flags(_ emulator: RunningEmulator, _ repository: TestRepository?, _ cache: TemporaryDirectory) -> [String] {
        // The emulator's listings are current at once: a short settle window keeps lost-answer faults quick.
        (repository.map { ["--repo", $0.path] } ?? []) + ["--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "1000", "--create-settle", "0.3"]
    }

    static func apply(
        _ emulator: RunningEmulator, _ repository: TestRepository?, _ cache: TemporaryDirectory, _ extra: [String] = ["--auto-approve"]
    ) async throws -> SourceCommandTests.Run {
        try await run(["apply"] + flags(emulator, repository, cache) + extra)
    }

    /// `wriftsync plan` with the same flags (and token) as ``apply(_:_:_:_:)``.
    static func plan(_ emulator: RunningEmulator, _ repository: TestRepository, _ cache: TemporaryDirectory, _ extra: [String] = [])
        async throws -> SourceCommandTests.Run
    {
        try await run(["plan"] + flags(emulator, repository, cache) + extra)
    }

    static func writes(_ stats: EmulatorStats) -> Int {
        stats.requests.filter { writeMethods.contains($0.method) }.reduce(0) { $0 + $1.count }
    }

    static func count(_ stats: EmulatorStats, _ method: String) -> Int {
        stats.requests.filter { $0.method == method }.reduce(0) { $0 + $1.count }
    }

    /// The model as the API reports it (its `latest_version` in particular).
    static func model(_ emulator: RunningEmulator, _ model: String) async throws -> Model {
        let url = emulator.baseURL + "/models/" + model
        let body = try await onOwnThread { try Shell.run(["curl", "-sf", "-H", "Authorization: Bearer \(token)", url]) }
        return try JSONDecoder().decode(Model.self, from: Data(body.utf8))
    }

    // MARK: - Applying

    @Test func applyFromANewRepositoryMakesLiveEqualTheDeclarationsThenDoesNothing() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("alice/a", [1, 2, 3]),
            "models/b.yaml": Self.declaration("alice/b", [4, 5], extra: "keep: []\n"),
        ])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            let first = try await Self.apply(emulator, repository, cache)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("Plan: 5 to create, 0 to configure, 0 to delete."), "the plan is shown first")
            #expect(first.stdout.contains("+ created alice/a #1 sha256:\(String(repeatedDigest(1).dropFirst(7).prefix(12)))…"))
            #expect(first.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("+ created ") }.count == 5)
            #expect(first.stdout.contains("Apply complete: 5 created, 0 configured, 0 deleted, 0 failed."))
            // The plan is rendered on a thread of its own while the first changes go out: it still comes first.
            let planLine = try #require(first.stdout.range(of: "Plan: 5 to create"))
            let firstCreated = try #require(first.stdout.range(of: "+ created "))
            let summary = try #require(first.stdout.range(of: "Apply complete: "))
            #expect(planLine.upperBound <= firstCreated.lowerBound && firstCreated.upperBound <= summary.lowerBound,
                    "the plan, then each change, then the summary")
            #expect(await Self.liveDigests(storage, "alice/a") == [1, 2, 3].map(repeatedDigest))
            #expect(await Self.liveDigests(storage, "alice/b") == [4, 5].map(repeatedDigest))
            #expect(try await Self.model(emulator, "alice/a").latestVersion?.containerImageDigest == repeatedDigest(3),
                    "the last declared version is the latest")
            #expect(try await Self.model(emulator, "alice/b").latestVersion?.containerImageDigest == repeatedDigest(5))
            let firstStats = try await PlanCommandTests.stats(emulator)
            #expect(Self.count(firstStats, "POST") == 5 && Self.count(firstStats, "DELETE") == 0)

            try await PlanCommandTests.resetStats(emulator)
            let second = try await Self.apply(emulator, repository, cache)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("No changes."))
            #expect(second.stdout.contains("Nothing to apply."))
            let secondStats = try await PlanCommandTests.stats(emulator)
            #expect(Self.writes(secondStats) == 0, "a second apply makes no write request")
            #expect(secondStats.total == 2, "one listing per model: the apply stored the new versions' details in the cache")
            try await PlanCommandTests.resetStats(emulator)
            let third = try await Self.apply(emulator, repository, cache)
            #expect(third.status == 0 && third.stdout.contains("Nothing to apply."))
            #expect(try await PlanCommandTests.stats(emulator).total == 2, "then one listing per model (details are cached)")
        }
    }

    /// `count` models, `alice/m<i>` in `models/m<i>.yaml`, each declaring the seeds 3i+1, 3i+2, 3i+3.
    static func threeVersionModels(_ count: Int) throws -> (models: [String], repository: TestRepository) {
        let models = (0..<count).map { "alice/m\($0)" }
        var files: [String: String] = [:]
        for (index, model) in models.enumerated() { files["models/m\(index).yaml"] = declaration(model, [3 * index + 1, 3 * index + 2, 3 * index + 3]) }
        return (models, try TestRepository(files: files))
    }

    @Test func aPlanRightAfterAnApplyCostsOneListingPerModelAndTheCacheDropsWhatIsGone() async throws {
        let (models, repository) = try Self.threeVersionModels(20)
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(models), storage: storage) { emulator in
            let applied = try await Self.apply(emulator, repository, cache)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("Apply complete: 60 created"))
            // The record's actions were encoded as each change completed, and spliced into its line at the end.
            let lines = try String(contentsOfFile: cache.path + "/history.jsonl", encoding: .utf8).split(separator: "\n")
            let record = try #require(lines.count == 1 ? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any] : nil)
            let actions = try #require(record["actions"] as? [[String: Any]])
            #expect(actions.count == 60 && actions.allSatisfy { $0["outcome"] as? String == "created" && $0["number"] is Int })
            #expect(Set(actions.compactMap { $0["model"] as? String }) == Set(models) && record["result"] as? String == "applied")
            try await PlanCommandTests.resetStats(emulator)
            let plan = try await Self.plan(emulator, repository, cache)
            #expect(plan.stdout.contains("No changes."), "\(plan.stdout)")
            #expect(try await PlanCommandTests.stats(emulator).total == 20, "the 60 new versions' details came from the apply's answers")

            // Retire one version: once a listing proves it gone, its cached details go too.
            let entries = {
                try FileManager.default.subpathsOfDirectory(atPath: cache.path + "/api")
                    .filter { $0.hasSuffix(".json") && !$0.contains("ratelimit-") && !$0.hasSuffix("verified.json") }
            }
            #expect(try entries().count == 60)
            try repository.write("models/m0.yaml", Self.declaration("alice/m0", [2, 3]))
            try repository.commit("retire m0 v1")
            #expect(try await Self.apply(emulator, repository, cache).status == 0)
            #expect(try await Self.plan(emulator, repository, cache).status == 0)
            #expect(try entries().count == 59, "the deleted version's entry was dropped")
        }
    }

    /// Versions are immutable: one whose details were found equal to its declaration is not read again, from
    /// the API or the cache, while the declaration is unchanged; a changed declaration is compared afresh.
    @Test func aVersionFoundEqualToItsDeclarationIsNotReadAgainUntilTheDeclarationChanges() async throws {
        let (models, repository) = try Self.threeVersionModels(5)
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(models), storage: storage) { emulator in
            for (index, model) in models.enumerated() { try await Self.seed(storage, model, [3 * index + 1, 3 * index + 2, 3 * index + 3]) }
            #expect(try await Self.plan(emulator, repository, cache).stdout.contains("No changes."))
            #expect(try await PlanCommandTests.stats(emulator).total == 5 + 15, "a listing per model, the 15 versions' details once")

            // Without their cached details, the versions found equal are still not read.
            let api = cache.path + "/api"
            for path in try FileManager.default.subpathsOfDirectory(atPath: api) where path.hasSuffix(".json") && !path.hasSuffix("verified.json") && !path.contains("ratelimit-") {
                try FileManager.default.removeItem(atPath: api + "/" + path)
            }
            try await PlanCommandTests.resetStats(emulator)
            #expect(try await Self.plan(emulator, repository, cache).stdout.contains("No changes."))
            #expect(try await PlanCommandTests.stats(emulator).total == 5, "one listing per model, no details")

            // A changed declaration is compared with the live details again: m1's three versions are read.
            try repository.write("models/m1.yaml", Self.declaration("alice/m1", [4, 5, 6]).replacingOccurrences(of: "output: {type: string}", with: "output: {type: integer}"))
            try repository.commit("m1 declares another output schema")
            try await PlanCommandTests.resetStats(emulator)
            let drifted = try await Self.plan(emulator, repository, cache)
            #expect(try await PlanCommandTests.stats(emulator).total == 5 + 3, "\(drifted.stdout)")
            #expect(drifted.stdout.contains("immutable"), "\(drifted.stdout)")
        }
    }

    @Test func aCommitAddingOneVersionAndRemovingAnotherMakesOnePOSTThenOneDELETE() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1, 2])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [1, 2])
            try repository.write("models/a.yaml", Self.declaration("alice/a", [2, 3]))
            try repository.commit("add v3, remove v1")

            let result = try await Self.apply(emulator, repository, cache)
            #expect(result.status == 0, "\(result.stderr)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(Self.count(stats, "POST") == 1)
            #expect(Self.count(stats, "DELETE") == 1)
            #expect(Self.count(stats, "PATCH") == 0)
            let created = try #require(result.stdout.range(of: "+ created alice/a #3 "))
            let deleted = try #require(result.stdout.range(of: "- deleted alice/a #1 "))
            #expect(created.lowerBound < deleted.lowerBound, "the create completed before the delete")
            #expect(result.stdout.contains("Apply complete: 1 created, 0 configured, 1 deleted, 0 failed."))
            #expect(await Self.live(storage, "alice/a").map(\.number) == [2, 3])
        }
    }

    @Test func configurationChangesAreAppliedAndReportedAsJSON() async throws {
        let gpu = "configuration: {hardware_identifier: gpu-a100, variable_names: [HF_TOKEN]}\n"
        let yaml = Self.declaration("alice/a", [1, 2]).replacingOccurrences(
            of: "    schemas: {prediction: {input: {type: object}, output: {type: string}}}\n",
            with: "    schemas: {prediction: {input: {type: object}, output: {type: string}}}\n    \(gpu)"
        )
        let repository = try TestRepository(files: ["models/a.yaml": yaml + "  - container_image_digest: \"\(repeatedDigest(3))\"\n    release_notes: \"v3\"\n    schemas: {prediction: {input: {type: object}, output: {type: string}}}\n"])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [1, 2, 9])
            let result = try await Self.apply(emulator, repository, cache, ["--auto-approve", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["format_version"] as? Int == 1)
            let summary = try #require(object["summary"] as? [String: Int])
            #expect(summary == ["created": 1, "configured": 2, "deleted": 1, "failed": 0, "skipped": 0, "rolled_back": 0])
            let actions = try #require(object["actions"] as? [[String: Any]])
            #expect(actions.map { $0["outcome"] as? String } == ["created", "configured", "configured", "deleted"])
            #expect(actions.first?["number"] as? Int == 4, "the create's result has the number the API assigned")
            #expect(result.stderr.contains("~ configured alice/a #1 "), "progress lines go to stderr with --format json")
            let live = await Self.live(storage, "alice/a")
            #expect(live.map(\.number) == [1, 2, 4])
            #expect(live.prefix(2).allSatisfy { $0.configuration == VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"]) })
        }
    }

    // MARK: - Saved plans

    @Test func aSavedPlanAppliesExactlyButAStaleOneIsRefusedAndChangesNothing() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1, 3])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [1, 2])
            let planFile = cache.path + "/plan.json"
            let saved = try await Self.plan(emulator, repository, cache, ["--out", planFile])
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(saved.stdout.contains("Plan: 1 to create, 0 to configure, 1 to delete."))

            // Someone changes the live state through the API after the plan was saved.
            let body = """
                {"release_notes": "sneaked in", "container_image_digest": "\(repeatedDigest(7))",
                 "schemas": {"prediction": {"input": {"type": "object"}, "output": {"type": "string"}}}}
                """
            _ = try await onOwnThread {
                try Shell.run(["curl", "-sf", "-X", "POST", "-H", "Authorization: Bearer \(Self.token)", "-H", "Content-Type: application/json",
                               "-d", body, emulator.baseURL + "/models/alice/a/versions"])
            }
            let before = await Self.live(storage, "alice/a")
            try await PlanCommandTests.resetStats(emulator)
            let stale = try await Self.apply(emulator, nil, cache, ["--plan", planFile, "--auto-approve"])
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("plan is stale"), "\(stale.stderr)")
            #expect(stale.stderr.contains("alice/a"))
            #expect(Self.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Self.live(storage, "alice/a") == before, "nothing changed")

            // A plan saved now is fresh, and applying it does exactly what it says.
            let fresh = try await Self.plan(emulator, repository, cache, ["--out", planFile])
            #expect(fresh.stdout.contains("Plan: 1 to create, 0 to configure, 2 to delete."))
            try await PlanCommandTests.resetStats(emulator)
            let applied = try await Self.apply(emulator, nil, cache, ["--plan", planFile, "--auto-approve"])
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("Apply complete: 1 created, 0 configured, 2 deleted, 0 failed."))
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(Self.count(stats, "POST") == 1 && Self.count(stats, "DELETE") == 2)
            #expect(Self.count(stats, "GET") == 1 + 1 + 2, "one re-listing of the one affected model, its latest version checked against it, and one GET confirming each delete's version; then the writes (numbered right after it: no duplicate check)")
            #expect(await Self.liveDigests(storage, "alice/a") == [1, 3].map(repeatedDigest))
        }
    }

    @Test func aSavedPlanIsStaleOnceTheRefMovesWhenTheRepositoryIsGiven() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1, 2])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            let planFile = cache.path + "/plan.json"
            let saved = try await Self.plan(emulator, repository, cache, ["--out", planFile])
            #expect(saved.status == 0, "\(saved.stderr)")
            try repository.write("models/a.yaml", Self.declaration("alice/a", [1, 2, 3]))
            try repository.commit("another version")

            let refused = try await Self.apply(emulator, repository, cache, ["--plan", planFile, "--auto-approve"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("plan is stale"), "\(refused.stderr)")
            #expect(refused.stderr.contains(try repository.head().hex))
            #expect(Self.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Self.live(storage, "alice/a").isEmpty)

            try repository.git("reset", "-q", "--hard", "HEAD~1")
            // The check resolves the ref and compares the commit, nothing more: no declaration is read (with a
            // 1-byte file limit, reading one would fail).
            let applied = try await Self.apply(emulator, repository, cache, ["--plan", planFile, "--auto-approve", "--max-file-size", "1"])
            #expect(applied.status == 0, "the ref is back where the plan was made: \(applied.stderr)")
            #expect(await Self.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
        }
    }

    // MARK: - Rails

    @Test func moreDeletesThanMaxDeletesAreRefusedUntilTheLimitIsRaised() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [1] + Array(20..<32))
            let refused = try await Self.apply(emulator, repository, cache)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the plan deletes 12 versions, more than --max-deletes 10"), "\(refused.stderr)")
            #expect(Self.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Self.live(storage, "alice/a").count == 13)

            let dryRun = try await Self.apply(emulator, repository, cache, ["--dry-run"])
            #expect(dryRun.status == 1, "a dry run refuses what the real run would refuse")
            #expect(dryRun.stderr.contains("more than --max-deletes 10"))

            let raised = try await Self.apply(emulator, repository, cache, ["--auto-approve", "--max-deletes", "12"])
            #expect(raised.status == 0, "\(raised.stderr)")
            #expect(Self.count(try await PlanCommandTests.stats(emulator), "DELETE") == 12)
            #expect(await Self.liveDigests(storage, "alice/a") == [repeatedDigest(1)])
        }
    }

    @Test func allowEmptyAndKeepAreHonouredEndToEnd() async throws {
        let repository = try TestRepository(files: [
            "models/empty.yaml": "model: alice/empty\nversions: []\n",
            "models/kept.yaml": Self.declaration("alice/kept", [3], extra: "keep: [1]\n"),
        ])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/empty", "alice/kept"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/empty", [1, 2])
            try await Self.seed(storage, "alice/kept", [1, 2])
            let first = try await Self.apply(emulator, repository, cache)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(await Self.live(storage, "alice/empty").map(\.number) == [1, 2], "without allow_empty no model is emptied")
            #expect(await Self.live(storage, "alice/kept").map(\.number) == [1, 3], "#1 is kept, #2 deleted, v3 created")
            #expect(first.stdout.contains("Apply complete: 1 created, 0 configured, 1 deleted, 0 failed."))

            try repository.write("models/empty.yaml", "model: alice/empty\nallow_empty: true\nversions: []\n")
            try repository.commit("allow emptying")
            let second = try await Self.apply(emulator, repository, cache)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(await Self.live(storage, "alice/empty").isEmpty, "allow_empty lets apply delete every version")
            #expect(await Self.live(storage, "alice/kept").map(\.number) == [1, 3])
        }
    }

    /// Listings start as each file is parsed (plans overlap parsing with listing), so a file found invalid
    /// after a valid one may follow a read of the valid one's model — never a write. One found before any
    /// valid file is found before any request.
    @Test(arguments: [("models/0-broken.yaml", true), ("models/broken.yaml", false)])
    func anInvalidFileBlocksEverything(_ brokenPath: String, _ beforeAnyValidFile: Bool) async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("alice/a", [1, 2]),
            brokenPath: "model: alice/b\nversions: [oops]\n",
        ])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [9])
            let result = try await Self.apply(emulator, repository, cache)
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(brokenPath):2:12"))
            #expect(result.stderr.contains("nothing was planned"))
            let stats = try await PlanCommandTests.stats(emulator)
            if beforeAnyValidFile {
                #expect(stats.total == 0, "not even a read")
            } else {
                #expect(Self.writes(stats) == 0, "no write")
                #expect(stats.total <= 1, "at most the listing of alice/a, parsed before the broken file")
            }
            #expect(await Self.liveDigests(storage, "alice/a") == [repeatedDigest(9)])
        }
    }

    @Test func aFailingListingAppliesNothingAnywhere() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("alice/a", [1]),
            "models/missing.yaml": Self.declaration("alice/missing", [2]),
        ])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            let result = try await Self.apply(emulator, repository, cache)
            #expect(result.status == 1)
            #expect(result.stderr.contains("alice/missing"))
            #expect(Self.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Self.live(storage, "alice/a").isEmpty)
        }
    }

    // MARK: - Dry run and confirmation

    @Test func aDryRunPrintsThePlanAndMakesNoWriteRequest() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1, 3])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            try await Self.seed(storage, "alice/a", [1, 2])
            let before = await Self.live(storage, "alice/a")
            let text = try await Self.apply(emulator, repository, cache, ["--dry-run"])
            #expect(text.status == 0, "no --auto-approve and no terminal are fine for a dry run: \(text.stderr)")
            #expect(text.stdout.contains("Plan: 1 to create, 0 to configure, 1 to delete."))
            #expect(text.stdout.contains("Dry run: nothing was applied."))
            #expect(!text.stdout.contains("+ created"))

            let planFile = cache.path + "/plan.json"
            _ = try await Self.plan(emulator, repository, cache, ["--out", planFile])
            let json = try await Self.apply(emulator, nil, cache, ["--dry-run", "--plan", planFile, "--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["summary"] as? [String: Any])?["create"] as? Int == 1, "the dry run's JSON is the plan")

            let stats = try await PlanCommandTests.stats(emulator)
            #expect(Self.writes(stats) == 0, "zero POST, PATCH and DELETE")
            #expect(stats.total > 0, "it did read")
            #expect(await Self.live(storage, "alice/a") == before)
        }
    }

    @Test func withoutATerminalApplyRequiresAutoApprove() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            let result = try await Self.apply(emulator, repository, cache, [])
            #expect(result.status == 1)
            #expect(result.stderr.contains("stdin is not a terminal"))
            #expect(result.stderr.contains("--auto-approve"))
            #expect(try await PlanCommandTests.stats(emulator).total == 0, "refused before any request")
            #expect(await Self.live(storage, "alice/a").isEmpty)

            let neither = try await Self.run(["apply", "--api-url", emulator.baseURL])
            #expect(neither.status != 0)
            #expect(neither.stderr.contains("--repo") && neither.stderr.contains("--plan"))
        }
    }

    @Test func onATerminalApplyAsksAndGoesAheadOnlyOnYes() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage) { emulator in
            // `script` gives the command a pseudo-terminal and types our input into it.
            func onTerminal(_ answer: String) async throws -> SourceCommandTests.Run {
                let command = ([SourceCommandTests.executable, "apply"] + Self.flags(emulator, repository, cache))
                    .map { "'\($0)'" }.joined(separator: " ")
                return try await onOwnThread {
                    let process = try Self.launch(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
                    let stdin = process.standardInput as! Pipe
                    // Answer once the prompt is up; the pseudo-terminal keeps what is typed until it is read.
                    usleep(200_000)
                    stdin.fileHandleForWriting.write(Data("\(answer)\n".utf8))
                    return Self.wait(process)
                }
            }
            let declined = try await onTerminal("no")
            #expect(declined.status == 1, "\(declined.stdout)")
            #expect(declined.stdout.contains("Only 'yes' is accepted"))
            #expect(declined.stdout.contains("apply cancelled"))
            #expect(Self.writes(try await PlanCommandTests.stats(emulator)) == 0)

            let accepted = try await onTerminal("yes")
            #expect(accepted.status == 0, "\(accepted.stdout)")
            #expect(accepted.stdout.contains("Apply complete: 1 created, 0 configured, 0 deleted, 0 failed."))
            #expect(await Self.liveDigests(storage, "alice/a") == [repeatedDigest(1)])
        }
    }

    // MARK: - Faults and kills

    @Test func underInjectedFaultsRepeatedApplyConvergesWithoutDuplicates() async throws {
        let repository = try TestRepository(files: [
            "models/f1.yaml": Self.declaration("alice/f1", [1, 2, 3, 4, 5]),
            "models/f2.yaml": Self.declaration("alice/f2", [10, 11, 12]),
        ])
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        let faults = EmulatorConfiguration.Faults(failRate: 0.2, loseResponseRate: 0.3, seed: 20_261_129)
        try await withRunningEmulator(configuration: Self.emulator(["alice/f1", "alice/f2"], faults: faults), storage: storage) { emulator in
            try await Self.seed(storage, "alice/f1", [1, 2, 90, 91])
            try await Self.seed(storage, "alice/f2", [10, 92])
            var runs: [Int32] = []
            while runs.count < 5, runs.last != 0 {
                runs.append(try await Self.apply(emulator, repository, cache).status)
            }
            #expect(runs.last == 0, "converged within 5 runs: exit statuses \(runs)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.requests.contains { $0.status == 503 } && stats.requests.contains { $0.status == 502 }, "faults were injected")
            let f1 = await Self.live(storage, "alice/f1"), f2 = await Self.live(storage, "alice/f2")
            #expect(f1.map(\.containerImageDigest) == [1, 2, 3, 4, 5].map(repeatedDigest), "no duplicate, nothing undeclared")
            #expect(f2.map(\.containerImageDigest) == [10, 11, 12].map(repeatedDigest))
            #expect(Array(f1.prefix(2).map(\.number)) == [1, 2] && f2.first?.number == 1, "no declared version was deleted")
        }
    }

    @Test func eachModelsLatestVersionIsCheckedRightAfterItsListingNotInAPhaseOfItsOwn() async throws {
        // 40 models, more than the 16 listings read at once: a model's check is asked as soon as it is
        // planned, so the first checks are answered while later listings are still to come. Checked once
        // a model, and the same number of requests as when the checks came after every listing.
        let models = (0..<40).map { String(format: "alice/m%02d", $0) }
        let repository = try TestRepository(files: Dictionary(uniqueKeysWithValues: models.enumerated().map { index, model in
            ("models/\(model.dropFirst(6)).yaml", Self.declaration(model, [index + 1]))
        }))
        let cache = try TemporaryDirectory("apply")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: try Self.emulator(models), storage: storage) { emulator in
            let result = try await Self.apply(emulator, repository, cache)
            #expect(result.status == 0, "\(result.stderr)")
            let order = try await PlanCommandTests.stats(emulator).order.filter { $0.method == "GET" }
            let listings = order.filter { $0.route == "/v1/models/{owner}/{name}/versions" }.map(\.sequence)
            let checks = order.filter { $0.route == "/v1/models/{owner}/{name}" }.map(\.sequence)
            #expect(listings.count == 40 && checks.count == 40, "one listing and one check a model")
            #expect(try #require(checks.min()) < (try #require(listings.max())), "checks began before the last listing")
            #expect(try await PlanCommandTests.stats(emulator).total == 40 + 40 + 40, "listings, checks, creates: nothing more")
            for model in models { #expect(await Self.live(storage, model).count == 1) }
        }
    }

    @Test func killingApplyAtRandomMomentsThenApplyingAgainAlwaysConverges() async throws {
        // 30 creates and 10 deletes over two models; the base versions are declared and must survive.
        let repository = try TestRepository(files: [
            "models/k1.yaml": Self.declaration("alice/k1", [1] + Array(100..<115)),
            "models/k2.yaml": Self.declaration("alice/k2", [2] + Array(200..<215)),
        ])
        let cache = try TemporaryDirectory("apply")
        let expected = ["alice/k1": ([1] + Array(100..<115)).map(repeatedDigest), "alice/k2": ([2] + Array(200..<215)).map(repeatedDigest)]
        // Some latency per request, so that the whole apply takes long enough for kills to land inside it.
        let configuration = try Self.emulator(["alice/k1", "alice/k2"], faults: .init(latencyMilliseconds: 15))
        func seed(_ storage: InMemoryEmulatorStorage) async throws {
            try await Self.seed(storage, "alice/k1", [1, 50, 51, 52, 53, 54])
            try await Self.seed(storage, "alice/k2", [2, 60, 61, 62, 63, 64])
        }
        let arguments = { (emulator: RunningEmulator) in ["apply"] + Self.flags(emulator, repository, cache) + ["--auto-approve"] }

        // The random moment is drawn as a number of completed changes (1 to 35 of the 40, read from the
        // lines apply prints as each completes) plus up to 20 ms: unlike a delay in seconds, that lands
        // mid-apply however loaded the machine is, and the latency keeps requests in flight at the kill.
        var random = SplitMix64(seed: 0x5EED_0006)
        var interrupted = 0
        for trial in 1...10 {
            let completedBeforeKill = Int.random(in: 1...35, using: &random)
            let jitter = Double.random(in: 0..<0.020, using: &random)
            let storage = try InMemoryEmulatorStorage()
            try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
                try await seed(storage)
                let launched = arguments(emulator)
                let (killedBySignal, output) = try await onOwnThread {
                    let process = try Self.launch(launched)
                    try (process.standardInput as! Pipe).fileHandleForWriting.close()
                    let output = Self.readUntil(process, completed: completedBeforeKill)
                    Thread.sleep(forTimeInterval: jitter)
                    kill(process.processIdentifier, SIGKILL)
                    _ = Self.wait(process)
                    return (process.terminationReason == .uncaughtSignal, output)
                }
                #expect(output.contains("Plan: 30 to create, 0 to configure, 10 to delete."), "trial \(trial): \(output)")
                let writesBefore = Self.writes(try await PlanCommandTests.stats(emulator))
                var done = true
                for (model, digests) in expected where await Self.liveDigests(storage, model) != digests { done = false }
                if killedBySignal, writesBefore > 0, !done { interrupted += 1 }

                let again = try await Self.run(arguments(emulator))
                #expect(again.status == 0, "trial \(trial): \(again.stderr)")
                for (model, digests) in expected {
                    let live = await Self.live(storage, model)
                    #expect(live.map(\.containerImageDigest) == digests, "trial \(trial): \(model) converged, no duplicate")
                    #expect(live.first?.number == 1, "trial \(trial): the declared base version of \(model) survived")
                }
            }
        }
        #expect(interrupted == 10, "every kill landed mid-apply: after some writes, before convergence")
    }

    /// Reads the process's stdout until `completed` change lines (`+ `, `~ `, `- `) have appeared after
    /// the plan, and returns what was read.
    static func readUntil(_ process: ChildProcess, completed: Int) -> String {
        let handle = (process.standardOutput as! Pipe).fileHandleForReading
        var text = ""
        while true {
            let data = handle.availableData
            if data.isEmpty { return text }
            text += String(decoding: data, as: UTF8.self)
            guard let planEnd = text.range(of: "\nPlan: ") else { continue }
            let changes = text[planEnd.upperBound...].split(separator: "\n")
                .filter { $0.hasPrefix("+ created ") || $0.hasPrefix("~ configured ") || $0.hasPrefix("- deleted ") }
            if changes.count >= completed { return text }
        }
    }
}
