@testable import Applier
import Declarations
import Planner
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// A client that sends everything to `inner`, but for what a conformer implements itself. The safe
/// create's report (`createVersionReportingSends`) is not forwarded: by default it goes through the
/// conformer's own `createVersion`.
protocol ForwardingClient: WriftAIWriting {
    var inner: WriftAIClient { get }
}

extension ForwardingClient {
    func createVersion(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> ModelVersionDetails {
        try await inner.createVersion(model, request)
    }

    func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome {
        try await inner.deleteVersion(model, number: number)
    }

    func updateConfiguration(_ model: ModelID, number: Int, _ update: ConfigurationUpdate) async throws(WriftAIError)
        -> VersionConfiguration
    {
        try await inner.updateConfiguration(model, number: number, update)
    }

    func model(_ model: ModelID) async throws(WriftAIError) -> Model { try await inner.model(model) }

    func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError) -> Page<ModelVersion> {
        try await inner.listVersions(model, cursor: cursor, pageSize: pageSize)
    }

    func allVersions(_ model: ModelID) -> VersionListing { inner.allVersions(model) }

    func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
        try await inner.version(model, number: number)
    }

    func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
        try await inner.configuration(model, number: number)
    }
}

/// A client that plays a second applier racing this one: every create of a digest is also made by
/// "the other applier", just before or just after this one's own create.
struct RacingClient: ForwardingClient {
    enum Moment: Sendable { case before, after }

    let inner: WriftAIClient
    let otherCreates: Moment

    func createVersion(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> ModelVersionDetails {
        if otherCreates == .before { _ = try await inner.createVersion(model, request) }
        let mine = try await inner.createVersion(model, request)
        if otherCreates == .after { _ = try await inner.createVersion(model, request) }
        return mine
    }
}

/// Two appliers creating the same versions at once: the duplicates they make are removed, the newest
/// copy of each digest is kept, and the last declared version ends up the latest.
@Suite struct ConcurrentApplyTests {
    @Test(arguments: [RacingClient.Moment.before, .after])
    func duplicatesMadeByARacingApplierAreRemovedKeepingTheNewestCopy(_ moment: RacingClient.Moment) async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2), Fixture.version(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 9])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.summary.create == 2 && plan.summary.delete == 1)
                let log = ResultLog()
                let result = await Applier(client: RacingClient(inner: client, otherCreates: moment)).apply(plan) { log.append($0) }
                #expect(result.succeeded, "\(result.failures)")
                // #1 and #2 were seeded; then v2 twice (#3, #4) and v3 twice (#5, #6), in either order of appliers.
                let removed = result.actions.filter { $0.duplicateOf != nil }
                #expect(removed.map(\.number) == [3, 5], "the older copy of each created digest went")
                #expect(removed.map(\.duplicateOf) == [4, 6], "the newest copy was kept")
                #expect(removed.allSatisfy { $0.action == .delete && $0.outcome == .deleted })
                #expect(log.all.count == result.actions.count, "the removals are reported as they complete")
                #expect(ApplyText.line(removed[0]).contains("an older duplicate of #4"))
                #expect(result.summary.deleted == 3, "the planned delete and the two duplicates")

                let live = await Fixture.live(storage, "alice/a")
                #expect(live.map(\.number) == [1, 4, 6])
                #expect(live.map(\.containerImageDigest) == [1, 2, 3].map(digest), "no duplicate, in declared order")
                let again = try await Fixture.plan(declarations, client: client)
                #expect(!again.summary.hasChanges)
            }
        }
    }

    @Test func withoutARacingApplierNothingExtraIsDeleted() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                let result = await Applier(client: client).apply(plan)
                #expect(result.succeeded)
                #expect(result.actions.map(\.outcome) == [.created])
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1, 2])
            }
        }
    }
}

/// Plays a create whose first send the server held: the client's resend made the version (and reports a send
/// in doubt), and the first send lands only after the model's next create, as a copy above it.
final class LateCopyClient: ForwardingClient {
    let inner: WriftAIClient
    private let creates = Mutex(0)
    private let held = Mutex<CreateVersionRequest?>(nil)

    init(inner: WriftAIClient) {
        self.inner = inner
    }

    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> CreatedVersion {
        var outcome = try await inner.createVersionReportingSends(model, request)
        if creates.withLock({ $0 += 1; return $0 }) == 1 {
            outcome.noSendInDoubt = false
            held.withLock { $0 = request }
        } else if let late = held.withLock({ held in defer { held = nil }; return held }) {
            _ = try await inner.createVersion(model, late)
        }
        return outcome
    }
}

/// A create's lost first send landing after the model's next create. The duplicate check keeps the newest copy,
/// as always (a rule depending on other digests' copies let two appliers each delete the other's last copy), so
/// the late copy is the latest, out of declaration order: the next plan says so, and with
/// `on_out_of_order: recreate` makes the versions declared after it again.
@Suite struct LateCopyTests {
    @Test(arguments: [OutOfOrderPolicy.hold, .recreate])
    func aLostCreateLandingAfterTheNextCreateLeavesNoDuplicateAndTheNextPlanSaysOrMendsTheOrder(_ policy: OutOfOrderPolicy) async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2), Fixture.version(3)], onOutOfOrder: policy)]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                let result = await Applier(client: LateCopyClient(inner: client)).apply(plan)
                #expect(result.succeeded, "\(result.failures)")
                // v2 as #2 (the resend), v3 as #3, then v2's first send as #4.
                let removed = result.actions.filter { $0.duplicateOf != nil }
                #expect(removed.map(\.number) == [2] && removed.map(\.duplicateOf) == [4], "the newest copy stays")
                #expect(await Fixture.live(storage, "alice/a").map(\.containerImageDigest) == [1, 3, 2].map(digest))

                let next = try await Fixture.plan(declarations, client: client)
                switch policy {
                case .recreate:
                    #expect(next.changes.map(\.action) == [.create, .delete], "v3 made again after #4, its old copy deleted")
                    #expect(await Applier(client: client).apply(next).succeeded)
                    #expect(await Fixture.live(storage, "alice/a").map(\.containerImageDigest) == [1, 2, 3].map(digest), "in declaration order again")
                    #expect(!(try await Fixture.plan(declarations, client: client)).summary.hasChanges)
                default:
                    #expect(!next.summary.hasChanges)
                    #expect(next.warnings.map(\.kind) == [.latestMismatch], "the plan says the latest is not the last declared version")
                }
            }
        }
    }
}

/// Counts the applier's own listings; with `inDoubt`, its creates report a send in doubt (as after a lost answer).
final class CountingClient: ForwardingClient {
    let inner: WriftAIClient
    let inDoubt: Bool
    let listings = Mutex(0)

    init(inner: WriftAIClient, inDoubt: Bool) {
        self.inner = inner
        self.inDoubt = inDoubt
    }

    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> CreatedVersion {
        var outcome = try await inner.createVersionReportingSends(model, request)
        if inDoubt { outcome.noSendInDoubt = false }
        return outcome
    }

    func allVersions(_ model: ModelID) -> VersionListing {
        listings.withLock { $0 += 1 }
        return inner.allVersions(model)
    }
}

/// When the duplicate check's listing is needed, and when the numbers prove it is not.
@Suite struct DuplicateCheckTests {
    /// Results of creates numbered `numbers`, in declaration order; `settled` for every send known.
    static func created(_ numbers: [Int], settled: Bool = true) -> [ActionResult] {
        numbers.enumerated().map { index, number in
            var result = ActionResult(
                index: index, model: "alice/a", action: .create, number: number,
                containerImageDigest: digest(index + 1), releaseNotes: nil, outcome: .created
            )
            result.createSendsSettled = settled
            return result
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let highest: Int?
        let numbers: [Int]
        var settled = true
        let skipped: Bool
    }

    @Test(arguments: [
        Case(testDescription: "numbered right after the listing", highest: 2, numbers: [3, 4], skipped: true),
        Case(testDescription: "a first version of an empty model", highest: 0, numbers: [1], skipped: true),
        Case(testDescription: "someone created before ours", highest: 2, numbers: [4, 5], skipped: false),
        Case(testDescription: "someone created between ours", highest: 2, numbers: [3, 5], skipped: false),
        Case(testDescription: "a send was in doubt", highest: 2, numbers: [3, 4], settled: false, skipped: false),
        Case(testDescription: "the highest number is unknown (an older plan)", highest: nil, numbers: [3], skipped: false),
    ])
    func theListingIsSkippedOnlyWhenTheNumbersProveNoOneElseCreated(_ check: Case) {
        #expect(Applier.createdRightAfterThePlan(Self.created(check.numbers, settled: check.settled), liveHighestNumber: check.highest) == check.skipped)
    }

    @Test(arguments: [false, true])
    func anApplyAloneListsNothingMoreButACreateInDoubtIsChecked(_ inDoubt: Bool) async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2), Fixture.version(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.models.first?.liveHighestNumber == 1)
                let counting = CountingClient(inner: client, inDoubt: inDoubt)
                let result = await Applier(client: counting).apply(plan)
                #expect(result.succeeded && result.actions.map(\.outcome) == [.created, .created], "nothing to remove either way")
                #expect(result.actions.map(\.number) == [2, 3])
                #expect(counting.listings.withLock { $0 } == (inDoubt ? 1 : 0), "the duplicate check lists only when a send was in doubt")
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1, 2, 3])
            }
        }
    }
}
