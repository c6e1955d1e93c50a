import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The release gate end to end: the built `wriftsync` against the emulator's predictions. A new version is
/// smoke-tested before the model's older versions go; one that fails is deleted again and quarantined.
@Suite(.onOwnThreads) struct ReleaseGateTests {
    typealias Apply = ApplyCommandTests

    static let schemas = "{prediction: {input: {type: object, properties: {text: {type: string}}, required: [text]}, output: {type: string}}}"

    /// One version with `smoke` cases (YAML flow lists), or none.
    static func version(_ seed: Int, notes: String? = nil, smoke: String? = nil) -> String {
        var yaml = """
              - container_image_digest: "\(repeatedDigest(seed))"
                release_notes: "\(notes ?? "v\(seed)")"
                schemas: \(schemas)

            """
        if let smoke { yaml += "    smoke: \(smoke)\n" }
        return yaml
    }

    static func declaration(_ model: String, _ versions: [String]) -> String {
        "model: \(model)\nversions:\n" + versions.joined()
    }

    static let case1 = "[{input: {text: hello}, max_seconds: 20}]"

    static func emulator(fail: [Int] = [], badOutput: [Int] = []) throws -> EmulatorConfiguration {
        var configuration = try Apply.emulator(["alice/s"])
        configuration.predictions = .init(
            durationMilliseconds: 50, failDigests: Set(fail.map(repeatedDigest)), badOutputDigests: Set(badOutput.map(repeatedDigest))
        )
        return configuration
    }

    static func routes(_ stats: EmulatorStats) -> [String] {
        stats.order.map { "\($0.method) \($0.route)" }
    }

    @Test func aGoodVersionIsTestedBeforeTheOldOneIsDeleted() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(2, smoke: Self.case1)]))
            try repository.commit("v2 replaces v1, smoke-tested")
            let plan = try await Apply.plan(emulator, repository, cache)
            #expect(plan.stdout.contains("smoke: smoke case 1 (models/s.yaml:"), "\(plan.stdout)")
            #expect(plan.stdout.contains("Applying makes 3 requests"), "create, one smoke case, delete: \(plan.stdout)")

            try await PlanCommandTests.resetStats(emulator)
            let applied = try await Apply.apply(emulator, repository, cache)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("Apply complete: 1 created, 0 configured, 1 deleted, 0 failed."))
            let order = Self.routes(try await PlanCommandTests.stats(emulator))
            let create = try #require(order.firstIndex(of: "POST /v1/models/{owner}/{name}/versions"))
            let prediction = try #require(order.firstIndex(of: "POST /v1/predictions"))
            let delete = try #require(order.firstIndex(of: "DELETE /v1/models/{owner}/{name}/versions/{number}"))
            #expect(create < prediction && prediction < delete, "created, tested, then the old version deleted: \(order)")
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(2)])
            let quarantine = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(quarantine.stdout.contains("Nothing is quarantined."), "a passed test leaves nothing pending: \(quarantine.stdout)")
        }
    }

    @Test func aFailingVersionIsRolledBackQuarantinedAndLiftedByAChangedDeclaration() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(fail: [3]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(1), Self.version(3, smoke: Self.case1)]))
            try repository.commit("v3, whose image fails")

            try await PlanCommandTests.resetStats(emulator)
            let failed = try await Apply.apply(emulator, repository, cache)
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("↩ rolled back alice/s #2"), "\(failed.stdout)")
            #expect(failed.stderr.contains("smoke case 1 (models/s.yaml:"), "the case is named: \(failed.stderr)")
            #expect(failed.stderr.contains("ended failed"), "the status: \(failed.stderr)")
            #expect(failed.stderr.range(of: #"prediction [0-9a-z-]+ ended"#, options: .regularExpression) != nil, "the prediction id: \(failed.stderr)")
            #expect(failed.stdout.contains("1 rolled back"))
            let live = await Apply.live(storage, "alice/s")
            #expect(live.map(\.containerImageDigest) == [repeatedDigest(1)], "the previous version is still there, and the latest")
            #expect(try await Apply.model(emulator, "alice/s").latestVersion?.containerImageDigest == repeatedDigest(1))

            // The next reconcile does not create it again.
            try await PlanCommandTests.resetStats(emulator)
            let again = try await Apply.run(["run", "--once"] + RunCommandTests.flags(emulator, repository, cache))
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.contains(#""kind":"quarantined""#), "\(again.stderr)")
            #expect(Apply.count(try await PlanCommandTests.stats(emulator), "POST") == 0, "no create, no prediction")
            let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(listed.stdout.contains("\(repeatedDigest(3))  quarantined"), "\(listed.stdout)")

            // A commit changing that version's declaration lifts the quarantine: it is tried again.
            try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(1), Self.version(3, notes: "v3, rebuilt", smoke: Self.case1)]))
            try repository.commit("v3 rebuilt")
            try await PlanCommandTests.resetStats(emulator)
            let retried = try await Apply.apply(emulator, repository, cache)
            #expect(retried.status == 1, "the image still fails")
            #expect(Apply.count(try await PlanCommandTests.stats(emulator), "POST") >= 2, "created and tested again")
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(1)])

            // `quarantine clear` lifts it too.
            let cleared = try await Apply.run(["quarantine", "clear", "--model", "alice/s", "--cache-dir", cache.path])
            #expect(cleared.stdout.contains("lifted: alice/s \(repeatedDigest(3))"), "\(cleared.stdout)")
        }
    }

    /// Tests that cannot be run to a verdict — here the API refuses every request with a 429 for an hour from
    /// the prediction on (a storm after the plan's listing, its latest-version check and the create) — say
    /// nothing of the image: the version is kept, untested and pending, not deleted nor quarantined, and the
    /// next apply tests it first. Before, any error ending a test counted as a failure: the version was rolled
    /// back (or, its delete refused too, left for the next apply to delete) and its image quarantined.
    @Test func testsThatCannotBeRunAreNotAVerdict() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(), storage: storage) { emulator in
            let first = try await Apply.apply(emulator, repository, cache)
            #expect(first.status == 0)
        }
        try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(2, smoke: Self.case1)]))
        try repository.commit("v2, tested")
        var storm = try Self.emulator()
        storm.faults = .init(throttleSeconds: 3600, throttleAfter: 3)
        try await withRunningEmulator(configuration: storm, storage: storage) { emulator in
            let stopped = try await Apply.apply(emulator, repository, cache)
            #expect(stopped.status == 1)
            #expect(stopped.stderr.contains("could not be run"), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("POST /v1/predictions"), "the prediction met the storm: \(stopped.stderr)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == [1, 2], "kept, and the older version too")
            let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(listed.stdout.contains("created, not tested yet"), "pending, not quarantined: \(listed.stdout)")
            #expect(!listed.stdout.contains("  quarantined"), "\(listed.stdout)")
        }
    }

    /// A replacement whose tests fail is rolled back, and the version it was to replace — the same image, serving
    /// all along — stays: the quarantine names the version that failed. Before, the next reconcile took the live
    /// copy of the quarantined digest for a rollback left unfinished and deleted the original.
    @Test func aFailedReplacementLeavesTheVersionItWasToReplace() async throws {
        let replace = "on_immutable_change: replace\n"
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1), Self.version(3)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(fail: [3]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0, "#1 and #2, untested: no smoke cases yet")
            try repository.write("models/s.yaml", replace + Self.declaration(
                "alice/s", [Self.version(1), Self.version(3, notes: "v3, new notes", smoke: Self.case1)]))
            try repository.commit("new notes for v3: a replacement, tested")
            let failed = try await Apply.apply(emulator, repository, cache)
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("↩ rolled back alice/s #3"), "\(failed.stdout)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == [1, 2])

            let again = try await Apply.run(["run", "--once"] + RunCommandTests.flags(emulator, repository, cache))
            #expect(again.stderr.contains(#""kind":"quarantined""#), "\(again.stderr)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == [1, 2], "the original stays, the latest: \(again.stderr)")
        }
    }

    /// A plan saved before a version's smoke tests failed still creates it; the live versions are the same once
    /// it is rolled back, so the plan is not stale. Applying it would create the quarantined digest again (as the
    /// latest, tested again, or left untested with --skip-smoke): refused before any write, and the quarantine kept.
    @Test(arguments: [[], ["--skip-smoke"]])
    func aSavedPlanCreatingADigestQuarantinedSinceIsRefused(_ extra: [String]) async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(fail: [3]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(1), Self.version(3, smoke: Self.case1)]))
            try repository.commit("v3, whose image fails")
            let planFile = cache.path + "/plan.json"
            #expect(try await Apply.plan(emulator, repository, cache, ["--out", planFile]).status == 0)
            #expect(try await Apply.apply(emulator, repository, cache).status == 1, "created, failed, rolled back, quarantined")

            try await PlanCommandTests.resetStats(emulator)
            let refused = try await Apply.run(["apply", "--plan", planFile, "--auto-approve"] + extra + Apply.flags(emulator, nil, cache))
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("the plan creates alice/s \(Digest(stringLiteral: repeatedDigest(3)).short()), quarantined: its smoke tests failed"),
                    "\(refused.stderr)")
            #expect(Apply.count(try await PlanCommandTests.stats(emulator), "POST") == 0, "no create, no prediction")
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(1)])
            let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(listed.stdout.contains("\(repeatedDigest(3))  quarantined"), "the quarantine is kept: \(listed.stdout)")
        }
    }

    @Test func aVersionAnsweringInTheWrongShapeIsRolledBackWithTheSchemaError() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(badOutput: [4]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/s.yaml", Self.declaration("alice/s", [Self.version(4, smoke: Self.case1)]))
            try repository.commit("v4 replaces v1, answers in the wrong shape")
            let failed = try await Apply.apply(emulator, repository, cache)
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("output does not match the output schema: "), "\(failed.stderr)")
            #expect(failed.stderr.contains("is not a string") || failed.stderr.contains("string"), "the schema error: \(failed.stderr)")
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(1)], "v1 was not deleted: the delete waited for the tests")
        }
    }

    @Test func skipSmokeAndDryRunsMakeNoPrediction() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Self.declaration("alice/s", [Self.version(5, smoke: Self.case1)])])
        let cache = try TemporaryDirectory("gate")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(fail: [5]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache, ["--dry-run"]).status == 0)
            let skipped = try await Apply.apply(emulator, repository, cache, ["--auto-approve", "--skip-smoke"])
            #expect(skipped.status == 0, "\(skipped.stderr)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.count(method: "POST", route: "/v1/predictions") == 0)
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(5)])
        }
    }
}

/// A version left untested (an apply stopped before its smoke tests) meets `--skip-smoke`.
@Suite(.onOwnThreads) struct ReleaseGatePendingTests {
    typealias Apply = ApplyCommandTests
    typealias Gate = ReleaseGateTests

    /// v1 applied; then v2 created as #2 by an apply that stopped before testing it (live, and pending in the
    /// gate's state), and committed as replacing v1, with a smoke case.
    static func v2LeftUntested(
        _ emulator: RunningEmulator, _ storage: InMemoryEmulatorStorage, _ repository: TestRepository, _ cache: TemporaryDirectory
    ) async throws {
        #expect(try await Apply.apply(emulator, repository, cache).status == 0)
        try await EmulatorFixture.seed(storage, "alice/s", [(repeatedDigest(2), "v2")])
        let pending = """
            {"entries":[{"at":"2026-12-02T12:00:00Z","digest":"\(repeatedDigest(2))","fingerprint":"x","model":"alice/s","status":"pending"}],"format_version":1}
            """
        try Data(pending.utf8).write(to: URL(fileURLWithPath: cache.path + "/release-gate.json"))
        try repository.write("models/s.yaml", Gate.declaration("alice/s", [Gate.version(2, smoke: Gate.case1)]))
        try repository.commit("v2 replaces v1")
    }

    @Test func anUntestedVersionIsNeitherPlannedForATestNorPassedWithTheTestsOffAndIsTestedOnceTheyAreOn() async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Gate.declaration("alice/s", [Gate.version(1)])])
        let cache = try TemporaryDirectory("gate-pending")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Gate.emulator(), storage: storage) { emulator in
            try await Self.v2LeftUntested(emulator, storage, repository, cache)

            try await PlanCommandTests.resetStats(emulator)
            let skipped = try await Apply.apply(emulator, repository, cache, ["--auto-approve", "--skip-smoke"])
            #expect(skipped.status == 0, "\(skipped.stderr)")
            #expect(!skipped.stdout.contains("smoke test") && !skipped.stdout.contains("tested"), "no test planned, none claimed: \(skipped.stdout)")
            #expect(try await PlanCommandTests.stats(emulator).count(method: "POST", route: "/v1/predictions") == 0)
            #expect(await Apply.liveDigests(storage, "alice/s") == [repeatedDigest(2)], "the tests off, v1 goes as for a new version")
            let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(listed.stdout.contains("\(repeatedDigest(2))  created, not tested yet"), "still untested: \(listed.stdout)")

            try await PlanCommandTests.resetStats(emulator)
            let tested = try await Apply.apply(emulator, repository, cache)
            #expect(tested.status == 0, "\(tested.stderr)")
            #expect(tested.stdout.contains("? smoke test  #2"), "tested once the tests are on: \(tested.stdout)")
            #expect(try await PlanCommandTests.stats(emulator).count(method: "POST", route: "/v1/predictions") == 1, "\(tested.stdout) \(tested.stderr)")
            let after = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(after.stdout.contains("Nothing is quarantined."), "\(after.stdout)")
        }
    }

    /// The same path with an image that fails: the version left is the model's only one. Rolling it back left the
    /// model with no version at all, whatever its `allow_empty`; now it is quarantined and kept, and the planner's
    /// rail decides: without `allow_empty` it stays (the plan says so), with it the next apply deletes it.
    @Test(arguments: [false, true])
    func aFailingOnlyVersionIsNotDeletedUnlessTheModelMayBeEmpty(_ allowEmpty: Bool) async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Gate.declaration("alice/s", [Gate.version(1)])])
        let cache = try TemporaryDirectory("gate-pending")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Gate.emulator(fail: [2]), storage: storage) { emulator in
            try await Self.v2LeftUntested(emulator, storage, repository, cache)
            // Then v1 deleted with the tests off.
            let skipped = try await Apply.apply(emulator, repository, cache, ["--auto-approve", "--skip-smoke"])
            #expect(skipped.status == 0, "\(skipped.stderr)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == [2], "v1 went with the tests off")

            let tested = try await Apply.apply(emulator, repository, cache)
            #expect(tested.status == 1)
            #expect(tested.stderr.contains("is alice/s's only version, so it is not deleted here"), "\(tested.stderr)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == [2], "never an empty model from a rollback")
            let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
            #expect(listed.stdout.contains("\(repeatedDigest(2))  quarantined"), "\(listed.stdout)")

            if allowEmpty {
                // Last in the file: the smoke case keeps its line, and so the declaration its quarantine.
                try repository.write("models/s.yaml", Gate.declaration("alice/s", [Gate.version(2, smoke: Gate.case1)]) + "allow_empty: true\n")
                try repository.commit("the model may be empty")
            }
            let next = try await Apply.apply(emulator, repository, cache)
            #expect(next.stdout.contains(allowEmpty ? "rolling back a release whose smoke tests failed" : "pruning would delete the only live version"),
                    "\(next.stdout) \(next.stderr)")
            #expect(await Apply.live(storage, "alice/s").map(\.number) == (allowEmpty ? [] : [2]), "\(next.stdout) \(next.stderr)")
        }
    }
}

/// An apply killed at any point of a gated release converges when run again: a version created but not tested
/// is tested before anything else of its model, and one that fails is rolled back and quarantined.
@Suite(.onOwnThreads) struct ReleaseGateKillTests {
    typealias Apply = ApplyCommandTests
    typealias Gate = ReleaseGateTests

    @Test(arguments: [(0.0, false), (0.0, true), (1.0, false), (1.0, true)])
    func aKillDuringTheGateConvergesOnTheNextApply(_ moment: (delay: Double, failing: Bool)) async throws {
        let repository = try TestRepository(files: ["models/s.yaml": Gate.declaration("alice/s", [Gate.version(1)])])
        let cache = try TemporaryDirectory("gate-kill")
        let storage = try InMemoryEmulatorStorage()
        var configuration = try Gate.emulator(fail: moment.failing ? [2] : [])
        // Predictions long enough for a kill to land while the version is being tested.
        configuration.predictions.durationMilliseconds = 4_000
        configuration.predictions.maxWaitSeconds = 0.2
        try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/s.yaml", Gate.declaration("alice/s", [Gate.version(2, smoke: Gate.case1)]))
            try repository.commit("v2 replaces v1")
            try await PlanCommandTests.resetStats(emulator)

            // SIGKILL once the new version exists (seen in the emulator's storage, in process), at once or a
            // second later: either way inside its four-second smoke test.
            let arguments = ["apply"] + Apply.flags(emulator, repository, cache) + ["--auto-approve"]
            let process = try Apply.launch(arguments)
            try (process.standardInput as! Pipe).fileHandleForWriting.close()
            let deadline = ContinuousClock.now + .seconds(60)
            while await !Apply.liveDigests(storage, "alice/s").contains(repeatedDigest(2)), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            if moment.delay > 0 { try await Task.sleep(for: .seconds(moment.delay)) }
            kill(process.processIdentifier, SIGKILL)
            _ = try await onOwnThread { Apply.wait(process) }
            let afterKill = await Apply.liveDigests(storage, "alice/s")
            #expect(afterKill.contains(repeatedDigest(1)), "the old version is never deleted before the new one passed: \(afterKill)")
            #expect(afterKill.contains(repeatedDigest(2)), "the kill landed after the create, while the version was being tested")

            var statuses: [Int32] = []
            for attempt in 0..<3 {
                let again = try await Apply.apply(emulator, repository, cache)
                statuses.append(again.status)
                if attempt == 0 {
                    #expect(again.stdout.contains("? smoke test  #2"), "the untested version is tested first: \(again.stdout)")
                }
                if again.stdout.contains("No changes.") || again.stdout.contains("Nothing to apply.") { break }
            }
            let live = await Apply.liveDigests(storage, "alice/s")
            if moment.failing {
                #expect(live == [repeatedDigest(1)], "rolled back: \(live), exits \(statuses)")
                let listed = try await Apply.run(["quarantine", "list", "--cache-dir", cache.path])
                #expect(listed.stdout.contains("\(repeatedDigest(2))  quarantined"), "\(listed.stdout)")
            } else {
                #expect(live == [repeatedDigest(2)], "tested, then v1 deleted: \(live), exits \(statuses)")
                #expect(statuses.last == 0)
            }
            let versions = await Apply.live(storage, "alice/s").map(\.containerImageDigest)
            #expect(Set(versions).count == versions.count, "no duplicate")
        }
    }
}
