import Declarations
import Foundation
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// A create comes after every live version, so creating anything but the last declared version makes an
/// earlier one the latest. When the last declared version is the latest now, `on_out_of_order` decides.
@Suite("Planner: on_out_of_order")
struct OutOfOrderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: [Int]
        var live: [(number: Int, digest: Int)]
        var policy: OutOfOrderPolicy
        var keep: [Int] = []
        var prune = true
        var steps: [String]
        /// The digest latest after apply.
        var latest: Int
        var held: [Int] = []
    }

    static let cases: [Case] = [
        .init(testDescription: "hold: a deleted first version is not re-created", declared: [1, 2], live: [(2, 2)], policy: .hold, steps: [], latest: 2, held: [1]),
        .init(testDescription: "hold: every missing earlier version is held", declared: [1, 2, 3], live: [(3, 3)], policy: .hold, steps: [], latest: 3, held: [1, 2]),
        .init(testDescription: "hold: undeclared versions are still pruned", declared: [1, 2], live: [(2, 2), (3, 9)], policy: .hold, steps: ["delete #3"], latest: 2, held: [1]),
        .init(testDescription: "hold: a new last version is created as usual", declared: [1, 2, 3], live: [(1, 1), (2, 2)], policy: .hold, steps: ["create d3"], latest: 3),
        .init(testDescription: "hold: a gap filled together with a new last version", declared: [1, 2, 3], live: [(1, 1)], policy: .hold, steps: ["create d2", "create d3"], latest: 3),
        .init(testDescription: "hold: not when the latest was not the last declared", declared: [1, 2], live: [(1, 9)], policy: .hold, steps: ["create d1", "create d2", "delete #1"], latest: 2),
        .init(testDescription: "recreate: the later versions are made again after it", declared: [1, 2], live: [(2, 2)], policy: .recreate, steps: ["create d1", "create d2", "delete #2"], latest: 2),
        .init(
            testDescription: "recreate: only those declared after the first missing one",
            declared: [1, 2, 3, 4], live: [(1, 1), (3, 3), (4, 4)], policy: .recreate,
            steps: ["create d2", "create d3", "create d4", "delete #3", "delete #4"], latest: 4
        ),
        .init(testDescription: "recreate: a kept old copy stays", declared: [1, 2], live: [(2, 2)], policy: .recreate, keep: [2], steps: ["create d1", "create d2"], latest: 2),
        .init(testDescription: "recreate: with prune off the old copy stays", declared: [1, 2], live: [(2, 2)], policy: .recreate, prune: false, steps: ["create d1", "create d2"], latest: 2),
        .init(testDescription: "allow: created, and it becomes the latest", declared: [1, 2], live: [(2, 2)], policy: .allow, steps: ["create d1"], latest: 1),
        // A recreate that stopped between its creates (killed, a create failed, a release rolled back) left an
        // earlier declared version the latest, with nothing to create: the versions after it are made again.
        .init(testDescription: "recreate: an interrupted recreate is finished", declared: [1, 2], live: [(2, 2), (3, 1)], policy: .recreate,
              steps: ["create d2", "delete #2"], latest: 2),
        .init(testDescription: "recreate: every version declared after the latest one", declared: [1, 2, 3], live: [(2, 2), (3, 3), (4, 1)], policy: .recreate,
              steps: ["create d2", "create d3", "delete #2", "delete #3"], latest: 3),
    ]

    @Test("what each policy plans", arguments: cases)
    func policies(_ testCase: Case) throws {
        let plan = Fixture.plan(
            Fixture.declaration(
                testCase.declared.map { Fixture.declared($0) }, prune: testCase.prune, keep: testCase.keep, onOutOfOrder: testCase.policy
            ),
            live: testCase.live.map { Fixture.live($0.number, $0.digest) }
        )
        #expect(plan.steps() == testCase.steps)
        let facts = try #require(plan.models.only)
        #expect(facts.latestAfterApply?.containerImageDigest == repeatedDigest(testCase.latest) as Digest)
        #expect(facts.onOutOfOrder == testCase.policy)
        let held = plan.warnings.filter { $0.kind == .outOfOrderHeld }
        #expect(held.compactMap(\.containerImageDigest) == testCase.held.map { repeatedDigest($0) as Digest })
        #expect(!facts.movesLatestAwayFromDeclared, "the planner never plans what the check refuses")
        // Every plan says when the latest is not the last declared version; only `allow` gets there.
        #expect(plan.warnings.contains { $0.kind == .latestMismatch } == (testCase.latest != testCase.declared.last))
    }

    /// A plan of `declared` against `live` where the digests `quarantined` failed their smoke tests (the newest
    /// live copy of each, if any, being the version that failed).
    static func plan(_ declared: [VersionDeclaration], live: [LiveVersion], quarantined: [Int], policy: OutOfOrderPolicy = .hold) -> Plan {
        let declaration = Fixture.declaration(declared, onOutOfOrder: policy)
        var gate = ReleaseGateState()
        for seed in quarantined {
            let version = declared.first { $0.containerImageDigest == repeatedDigest(seed) as Digest }!
            let failed = live.filter { $0.containerImageDigest == version.containerImageDigest }.map(\.number).max()
            gate.quarantined[.init(model: declaration.model, digest: version.containerImageDigest)] =
                .init(fingerprint: version.gateFingerprint([]), reason: "smoke case 1 failed", number: failed)
        }
        return Planner.plan(
            declarations: [declaration], live: [declaration.model: LiveModel(model: declaration.model, versions: live)],
            revision: Fixture.revision, gate: gate)
    }

    @Test("a rollback left unfinished on the last declared version goes ahead: the one before it is the latest meanwhile")
    func unfinishedRollbackOfTheLastVersion() throws {
        let plan = Self.plan([Fixture.declared(1), Fixture.declared(2)], live: [Fixture.live(1, 1), Fixture.live(2, 2)], quarantined: [2])
        #expect(plan.steps() == ["delete #2"])
        let facts = try #require(plan.models.only)
        #expect(!facts.movesLatestAwayFromDeclared, "the check refused every model's changes, and the failed version kept the traffic")
        #expect(facts.declaredLatest?.number == 1 && facts.latestAfterApply?.number == 1)
        #expect(!plan.warnings.contains { $0.kind == .latestMismatch })
    }

    /// The allow_empty rail cancelled every delete of a plan that would empty the model, the unfinished rollback
    /// of a failed version included: the image that failed its smoke tests stayed the latest. It keeps what
    /// pruning would take instead.
    @Test("the allow_empty rail spares what pruning takes, not a rollback")
    func emptyRailKeepsTheRollback() throws {
        let declared = Fixture.declared(2)
        let declaration = Fixture.declaration([declared])
        var gate = ReleaseGateState()
        gate.quarantined[.init(model: declaration.model, digest: declared.containerImageDigest)] =
            .init(fingerprint: declared.gateFingerprint([]), reason: "smoke case 1 failed", number: 2)
        let plan = Planner.plan(
            declarations: [declaration],
            live: [declaration.model: LiveModel(model: declaration.model, versions: [Fixture.live(1, 1), Fixture.live(2, 2)])],
            revision: Fixture.revision, gate: gate)
        #expect(plan.steps() == ["delete #2"])
        #expect(plan.models.only?.latestAfterApply?.number == 1)
        let warning = try #require(plan.warnings.first { $0.kind == .emptyRefused })
        #expect(warning.message.contains("so only the rollback of #2 goes ahead, and the version it would prune stays"), "\(warning.message)")
        // Alone, the failed version stays without allow_empty, as before.
        let alone = Planner.plan(
            declarations: [declaration], live: [declaration.model: LiveModel(model: declaration.model, versions: [Fixture.live(2, 2)])],
            revision: Fixture.revision, gate: gate)
        #expect(alone.steps().isEmpty)
    }

    /// The rollback deletes the version whose tests failed, never another copy of its digest: one live before it,
    /// which a replacement (or a re-creation) was made to follow, served until then and stays. Before, the
    /// newest live copy was deleted as "a rollback that did not finish" whatever its number: after a failed
    /// replacement was rolled back, the next plan deleted the version it was to replace.
    @Test("a rollback deletes the version that failed, never the copy it was to replace", arguments: [
        // (live numbers of d2, the failed number recorded, what the plan deletes)
        ([2], 3, [String]()),                // the replacement #3 rolled back: #2, the original, stays
        ([2, 3], 3, ["delete #3"]),          // the rollback of #3 did not finish: #3 goes, #2 stays
        ([2], 2, ["delete #2"]),             // the failed version is the only copy: its rollback is finished
        ([2], nil, [String]()),              // a record of an older WriftSync, without the number: nothing deleted
        ([2, 3], nil, [String]()),           // … whatever the copies
        ([2, 3, 4], 3, ["delete #3", "delete #4"]),  // a copy above the failed one (a late send) goes with it
    ] as [([Int], Int?, [String])])
    func rollbackDeletesOnlyTheFailedVersion(_ copies: [Int], _ failed: Int?, _ steps: [String]) throws {
        let changed = Fixture.declared(2, notes: "Release 2, new notes")
        let declaration = Fixture.declaration([Fixture.declared(1), changed], onImmutableChange: .replace)
        var gate = ReleaseGateState()
        gate.quarantined[.init(model: declaration.model, digest: changed.containerImageDigest)] =
            .init(fingerprint: changed.gateFingerprint([]), reason: "smoke case 1 failed", number: failed)
        let live = [Fixture.live(1, 1)] + copies.map { Fixture.live($0, 2) }
        let plan = Planner.plan(
            declarations: [declaration], live: [declaration.model: LiveModel(model: declaration.model, versions: live)],
            revision: Fixture.revision, gate: gate)
        #expect(plan.steps() == steps)
        #expect(plan.warnings.contains { $0.kind == .quarantined })
        if copies.contains(where: { $0 < failed ?? .max }) && failed != nil {
            // The earlier copy serves, as declared: no latest_mismatch blaming the order of declarations.
            #expect(!plan.warnings.contains { $0.kind == .latestMismatch }, "\(plan.warnings.map(\.message))")
            #expect(plan.models.only?.declaredLatest?.containerImageDigest == repeatedDigest(2) as Digest)
        }
    }

    @Test("recreate never makes a quarantined version again, nor deletes a number twice")
    func recreateSkipsQuarantined() throws {
        let plan = Self.plan([Fixture.declared(1), Fixture.declared(2), Fixture.declared(3)], live: [Fixture.live(2, 2), Fixture.live(3, 3)],
                             quarantined: [2], policy: .recreate)
        #expect(plan.steps() == ["create d1", "create d3", "delete #2", "delete #3"])
        #expect(plan.summary.unchanged >= 0)
        #expect(plan.models.only?.latestAfterApply?.containerImageDigest == repeatedDigest(3) as Digest)
    }

    @Test("hold protects the last declared version that did not fail its smoke tests")
    func holdAfterAQuarantinedLastVersion() throws {
        let plan = Self.plan([Fixture.declared(1), Fixture.declared(2), Fixture.declared(3)], live: [Fixture.live(2, 2)], quarantined: [3])
        #expect(plan.steps().isEmpty, "v1 would become the latest above v2")
        #expect(plan.warnings.filter { $0.kind == .outOfOrderHeld }.compactMap(\.containerImageDigest) == [repeatedDigest(1) as Digest])
        #expect(plan.models.only?.latestAfterApply?.number == 2)
    }

    @Test("a held replace still updates the configuration, as on_immutable_change: warn would")
    func heldReplaceKeepsItsConfigurationUpdate() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed", configuration: Fixture.gpu), Fixture.declared(2)], onImmutableChange: .replace),
            live: [Fixture.live(1, 1), Fixture.live(2, 2)]
        )
        #expect(plan.steps() == ["configure #1"])
        #expect(plan.summary.unchanged == 1)
    }

    @Test("a held create says why, and what to do, and holds a replacement with it")
    func heldMessage() throws {
        let plan = Fixture.plan(
            Fixture.declaration(
                [Fixture.declared(1), Fixture.declared(2, notes: "Changed"), Fixture.declared(3)], onImmutableChange: .replace
            ),
            live: [Fixture.live(2, 2), Fixture.live(3, 3)]
        )
        #expect(plan.steps().isEmpty, "neither v1 nor the replacement of #2 is created, and #2 is not deleted")
        let held = plan.warnings.filter { $0.kind == .outOfOrderHeld }
        #expect(held.count == 2)
        let first = try #require(held.first)
        #expect(first.message == "010101010101 is declared but not live; creating it now would make it the latest version instead of #3, "
            + "the last declared version, and un-pinned predictions would move to it. Held back (on_out_of_order: hold): declare it last, "
            + "remove it, or set on_out_of_order: recreate (re-creates the versions declared after it) or allow")
        #expect(first.declaredAt == "models/sentiment.yaml:11:5")
        #expect(held.last?.message.contains("creating the replacement of #2 now") == true)
        #expect(plan.warnings.contains { $0.kind == .immutableDrift && $0.number == 2 }, "the drift it would have replaced is reported")
    }

    @Test("a recreated version carries its declaration, and replaces its old copy so the apply never mistakes one for the other")
    func recreatePayload() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1), Fixture.declared(2, configuration: Fixture.gpu)], onOutOfOrder: .recreate),
            live: [Fixture.live(5, 2, configuration: nil)]
        )
        #expect(plan.steps() == ["create d1", "create d2", "delete #5"], "no separate configure of #5: it goes")
        let recreate = try #require(plan.changes.dropFirst().first)
        #expect(recreate.replaces == 5)
        #expect(recreate.creation?.request.configuration == Fixture.gpu)
        #expect(recreate.reason.contains("on_out_of_order: recreate"))
        #expect(plan.summary.unchanged == 0)
    }

    @Test("a plan whose latest would move away from the last declared version is flagged for the check")
    func movesLatest() throws {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1), Fixture.declared(2)]), live: [Fixture.live(2, 2)])
        var facts = try #require(plan.models.only)
        #expect(!facts.movesLatestAwayFromDeclared)
        facts.latestAfterApply = VersionReference(number: nil, containerImageDigest: repeatedDigest(1))
        #expect(facts.movesLatestAwayFromDeclared, "edited to create v1 last")
        facts.onOutOfOrder = .allow
        #expect(!facts.movesLatestAwayFromDeclared, "unless the model allows it")
    }

    @Test("a plan saved before these keys existed still reads, and is not flagged")
    func olderPlanReads() throws {
        var json = String(decoding: try PlanJSONTests.smallPlan.encodedJSON(), as: UTF8.self)
        json = json.replacingOccurrences(of: #""on_out_of_order" : "hold","#, with: "")
        let start = try #require(json.range(of: #""latest_before_apply" : {"#))
        let end = try #require(json.range(of: "},", range: start.upperBound..<json.endIndex))
        json.removeSubrange(start.lowerBound..<end.upperBound)
        let plan = try Plan.decode(from: Data(json.utf8))
        let facts = try #require(plan.models.only)
        #expect(facts.latestBeforeApply == nil && facts.onOutOfOrder == nil)
        #expect(!facts.movesLatestAwayFromDeclared)
    }
}
