@testable import Applier
import Declarations
import LiveState
import Planner
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// A release gate whose verdicts the test sets, recording what it is told. With `deletesUnderTest`, the version
/// under test is deleted while its test runs, as another applier's duplicate check does with its own copy kept.
final class ScriptedGate: ReleaseGate {
    enum Verdict { case pass, fail, deleteThenFail }

    let client: WriftAIClient
    let verdict: Verdict
    let quarantined = Mutex<[Digest]>([])
    let passes = Mutex(0)
    /// Why every quarantine fails to be recorded, when it does.
    let quarantineRefusal: String?

    init(client: WriftAIClient, verdict: Verdict, quarantineRefusal: String? = nil) {
        self.client = client
        self.verdict = verdict
        self.quarantineRefusal = quarantineRefusal
    }

    func willCreate(_ change: PlannedChange) async -> String? { nil }

    func test(_ change: PlannedChange, number: Int) async -> GateFailure? {
        switch verdict {
        case .pass:
            return nil
        case .fail:
            return GateFailure(test: "smoke case 1", reason: "prediction p-1 ended failed")
        case .deleteThenFail:
            _ = try? await client.deleteVersion(change.model, number: number)
            return GateFailure(test: "smoke case 1", reason: "the prediction could not be run: the API answered 404")
        }
    }

    func passed(_ change: PlannedChange) async { passes.withLock { $0 += 1 } }

    func failed(_ change: PlannedChange, number: Int, failure: GateFailure, rolledBack: Bool) async -> String? {
        guard quarantineRefusal == nil else { return quarantineRefusal }
        quarantined.withLock { $0.append(change.digest) }
        return nil
    }
}

/// A client whose creates answer without the version's digest (the create itself happens).
struct DigestlessCreateClient: ForwardingClient {
    let inner: WriftAIClient

    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> CreatedVersion {
        var created = try await inner.createVersionReportingSends(model, request)
        created.details.containerImageDigest = nil
        return CreatedVersion(details: created.details, noSendInDoubt: created.noSendInDoubt)
    }
}

/// A client whose creates answer with the details of version `number`, the digest asked for: what a lagging
/// listing that missed an existing copy, or a server reusing numbers, would give.
struct StaleNumberClient: ForwardingClient {
    let inner: WriftAIClient
    let number: Int

    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> CreatedVersion {
        var details = try await inner.version(model, number: number)
        details.containerImageDigest = request.containerImageDigest
        return CreatedVersion(details: details, noSendInDoubt: true)
    }
}

/// Plays a create whose first send the server held, landing only once the version its resend made has been
/// rolled back (deleted after failing its tests): a copy of a digest that just failed, as the latest version.
final class LateCopyAfterRollbackClient: ForwardingClient {
    let inner: WriftAIClient
    private let held = Mutex<CreateVersionRequest?>(nil)

    init(inner: WriftAIClient) {
        self.inner = inner
    }

    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> CreatedVersion {
        var outcome = try await inner.createVersionReportingSends(model, request)
        outcome.noSendInDoubt = false
        held.withLock { $0 = request }
        return outcome
    }

    func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome {
        let outcome = try await inner.deleteVersion(model, number: number)
        if let late = held.withLock({ held in defer { held = nil }; return held }) {
            _ = try await inner.createVersion(model, late)
        }
        return outcome
    }
}

/// How a gated change ends when its version goes away under test, when the tests are off, and when the API
/// answers a create with a number that is not new.
@Suite struct GateOutcomeTests {
    static func smoked(_ seed: Int) -> VersionDeclaration {
        var version = Fixture.version(seed)
        version.smoke = [SmokeCase(input: ["text": "hello"], location: SourceLocation(file: "models/test.yaml", line: seed, column: 9))]
        return version
    }

    @Test func aVersionDeletedWhileItsTestsRunIsAFailureButNotAQuarantine() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Self.smoked(2)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map(\.action) == [.create, .delete] && plan.changes[0].gate != nil)
                let gate = ScriptedGate(client: client, verdict: .deleteThenFail)
                let result = await Applier(client: client, gate: gate).apply(plan)
                #expect(result.actions.map(\.outcome) == [.failed, .skipped], "the model stops: its older version stays")
                #expect(result.actions[0].error?.contains("was deleted while its smoke tests ran") == true, "\(result.actions[0].error ?? "")")
                #expect(gate.quarantined.withLock { $0 }.isEmpty, "a healthy digest whose copy another apply removed is not quarantined")
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1])
            }
        }
    }

    @Test func aCreateAnsweredWithANumberNotAboveTheListedHighestIsAFailureAndNothingIsTested() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Self.smoked(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.models.first?.liveHighestNumber == 2 && plan.changes.map(\.action) == [.create, .delete, .delete])
                let gate = ScriptedGate(client: client, verdict: .pass)
                let result = await Applier(client: StaleNumberClient(inner: client, number: 1), gate: gate).apply(plan)
                #expect(result.actions.map(\.outcome) == [.failed, .skipped, .skipped], "nothing of the model goes on")
                #expect(result.actions[0].error?.contains("not above #2, the highest it listed") == true, "\(result.actions[0].error ?? "")")
                #expect(gate.passes.withLock { $0 } == 0, "#1 is not tested in the new version's place")
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1, 2])
            }
        }
    }

    /// A create answer naming no digest could be about any version: taken for the new one, the model's next
    /// change deleted the version it replaced. Before, only an answer naming another digest was refused.
    @Test func aCreateAnsweredWithoutADigestIsAFailureAndTheModelStops() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Self.smoked(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map(\.action) == [.create, .delete, .delete])
                let gate = ScriptedGate(client: client, verdict: .pass)
                let result = await Applier(client: DigestlessCreateClient(inner: client), gate: gate).apply(plan)
                #expect(result.actions.map(\.outcome) == [.failed, .skipped, .skipped], "nothing of the model goes on")
                #expect(result.actions[0].error?.contains("whose digest is not named") == true, "\(result.actions[0].error ?? "")")
                #expect(gate.passes.withLock { $0 } == 0)
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1, 2, 3], "the older versions stay")
            }
        }
    }

    /// Runs `body` with `alice/a`'s v1 live and the plan creating its smoked v2.
    static func withSmokedCreatePlanned(_ body: @escaping @Sendable (InMemoryEmulatorStorage, WriftAIClient, Plan) async throws -> Void) async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), smoked(2)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in
                try await body(storage, client, try await Fixture.plan(declarations, client: client))
            }
        }
    }

    @Test func aLateCopyOfAVersionRolledBackAfterASendInDoubtIsRemovedToo() async throws {
        try await Self.withSmokedCreatePlanned { storage, client, plan in
            let gate = ScriptedGate(client: client, verdict: .fail)
            let result = await Applier(client: LateCopyAfterRollbackClient(inner: client), gate: gate).apply(plan)
            // v2 as #2, failed, deleted again; its first send landing then as #3, the latest, untested.
            #expect(result.actions.map(\.outcome) == [.rolledBack, .deleted], "\(result.actions)")
            #expect(result.actions.last?.number == 3 && result.actions.last?.duplicateOf == 2)
            #expect(result.actions.last?.error == nil, "the removal does not carry the rollback's reason")
            #expect(gate.quarantined.withLock { $0 }.map(\.value) == [digest(2)])
            #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1], "v1 is the latest again")
        }
    }

    /// A quarantine that could not be written was only logged: the apply's result said the digest was
    /// quarantined, and the next plan created it again.
    @Test func aQuarantineThatCannotBeRecordedIsSaidInTheResult() async throws {
        try await Self.withSmokedCreatePlanned { storage, client, plan in
            let gate = ScriptedGate(client: client, verdict: .fail, quarantineRefusal: "disk full")
            let result = await Applier(client: client, gate: gate).apply(plan)
            #expect(result.actions.map(\.outcome) == [.rolledBack], "\(result.actions)")
            let error = try #require(result.actions.first?.error)
            #expect(error.contains("#2 was deleted again, but \(digest(2)) could not be quarantined (disk full)"), "\(error)")
            #expect(!error.contains("and \(digest(2)) quarantined"), "not said to be quarantined")
            #expect(!result.succeeded)
            #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1])
        }
    }

    @Test func aPendingSmokeTestAppliedWithTheTestsOffIsNotTestedNorReportedPassed() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Self.smoked(2)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2])
            try await Fixture.withClient(emulator) { client in
                let live = try await LiveStateReader(client: client.readOnly, cache: nil).read(LiveStateQuery(declarations: declarations))
                let pending = ReleaseGateState(pending: [.init(model: "alice/a", digest: digest(2)): "f"])
                let plan = Planner.plan(
                    declarations: declarations, live: live,
                    revision: Revision(repository: "/tmp/repo", ref: "refs/heads/main", commit: String(repeating: "a", count: 40)), gate: pending)
                #expect(plan.changes.map(\.action) == [.smokeTest, .delete])
                let result = await Applier(client: client, gate: nil).apply(plan)
                #expect(result.actions.map(\.outcome) == [.untested, .deleted], "not tested, so not passed; the tests off, the model goes on")
                #expect(ApplyText.line(result.actions[0]).hasPrefix("  not tested alice/a #2"), "\(ApplyText.line(result.actions[0]))")
                #expect(ApplyText.line(result.actions[0]).contains("the smoke tests are off (--skip-smoke)"))
                #expect(result.succeeded, "what --skip-smoke asked for is done")
            }
        }
    }
}
