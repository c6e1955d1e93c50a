import Planner
import WriftAIModels
import Testing
import WriftSyncTesting

@Suite("Planner: which models are planned")
struct ScopeTests {
    @Test("undeclared models are never touched nor listed")
    func undeclaredModelsUntouched() {
        let plan = Fixture.plan(
            [Fixture.declaration([Fixture.declared(1)])],
            live: [Fixture.model: [Fixture.live(1, 1)], "acme/other": [Fixture.live(1, 7), Fixture.live(2, 8)]]
        )
        #expect(plan.changes.isEmpty)
        #expect(plan.models.map(\.model) == [Fixture.model])
    }

    @Test("a suspended model gets no changes and no warnings, and is listed as suspended")
    func suspendedModel() throws {
        let live = [Fixture.live(1, 1, notes: "Drifted"), Fixture.live(2, 2)]
        let plan = Fixture.plan(
            [Fixture.declaration([Fixture.declared(1), Fixture.declared(3)], suspend: true)],
            live: [Fixture.model: live]
        )
        #expect(plan.changes.isEmpty)
        #expect(plan.warnings.isEmpty)
        #expect(plan.summary == PlanSummary(create: 0, updateConfiguration: 0, delete: 0, unchanged: 0, warnings: 0))
        let facts = try #require(plan.models.only)
        #expect(facts.suspended)
        #expect(facts.latestAfterApply == VersionReference(number: 2, containerImageDigest: repeatedDigest(2)))
        #expect(facts.declaredLatest == VersionReference(number: nil, containerImageDigest: repeatedDigest(3)))
        #expect(facts.liveFingerprint == LiveModel(model: Fixture.model, versions: live).fingerprint)
    }

    @Test("a suspended model whose live state was not fetched has no fingerprint")
    func suspendedWithoutLiveState() throws {
        let plan = Fixture.plan([Fixture.declaration([Fixture.declared(1)], suspend: true)], live: [:])
        let facts = try #require(plan.models.only)
        #expect(facts.suspended)
        #expect(facts.liveFingerprint == nil)
        #expect(facts.latestAfterApply == nil)
        #expect(plan.changes.isEmpty)
    }

    @Test("models are planned in name order, each creates → configures → deletes")
    func changeOrder() {
        let plan = Fixture.plan(
            [
                // `allow`: creating d2 makes it the latest over d1 (OutOfOrderTests covers `hold`).
                Fixture.declaration([Fixture.declared(2), Fixture.declared(1, configuration: Fixture.gpu)], of: "acme/zeta", onOutOfOrder: .allow),
                Fixture.declaration([Fixture.declared(4), Fixture.declared(3)], of: "acme/alpha"),
            ],
            live: [
                "acme/zeta": [Fixture.live(2, 9), Fixture.live(1, 1)],
                "acme/alpha": [Fixture.live(1, 8)],
            ]
        )
        #expect(
            plan.steps(withModel: true) == [
                "acme/alpha create d4", "acme/alpha create d3", "acme/alpha delete #1",
                "acme/zeta create d2", "acme/zeta configure #1", "acme/zeta delete #2",
            ]
        )
        #expect(plan.models.map(\.model) == ["acme/alpha", "acme/zeta"])
    }

    @Test("a model declared twice is planned once (validation rejects it; the planner stays safe)")
    func duplicateDeclarationPlannedOnce() {
        let plan = Fixture.plan(
            [Fixture.declaration([Fixture.declared(1)]), Fixture.declaration([Fixture.declared(2)])],
            live: [:]
        )
        #expect(plan.steps() == ["create d1"])
        #expect(plan.models.count == 1)
    }
}
