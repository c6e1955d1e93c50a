import Applier
import Planner
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels

/// A client that plays a second applier racing this one: every create of a digest is also made by
/// "the other applier", just before or just after this one's own create.
struct RacingClient: WriftAIWriting {
    enum Moment: Sendable { case before, after }

    let inner: WriftAIClient
    let otherCreates: Moment

    func createVersion(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError) -> ModelVersionDetails {
        if otherCreates == .before { _ = try await inner.createVersion(model, request) }
        let mine = try await inner.createVersion(model, request)
        if otherCreates == .after { _ = try await inner.createVersion(model, request) }
        return mine
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
                #expect(live.map(\.containerImageDigest) == [1, 2, 3].map(Fixture.digest), "no duplicate, in declared order")
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
