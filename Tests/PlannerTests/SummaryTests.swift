import Declarations
import Foundation
import Planner
import Testing
import WriftAIModels

@Suite("Planner: summary and estimate")
struct SummaryTests {
    /// Two creates, one update, two deletes, two unchanged, one drift warning, one refusal.
    static func mixedPlan(rateLimit: Double) -> Plan {
        Fixture.plan(
            [
                Fixture.declaration(
                    [
                        Fixture.declared(1),
                        Fixture.declared(2, notes: "Edited"),
                        Fixture.declared(3, configuration: Fixture.gpu),
                        Fixture.declared(4),
                        Fixture.declared(5),
                    ]
                ),
                Fixture.declaration([], of: "acme/empty"),
            ],
            live: [
                Fixture.model: [Fixture.live(1, 1), Fixture.live(2, 2), Fixture.live(3, 3), Fixture.live(6, 6), Fixture.live(7, 7)],
                "acme/empty": [Fixture.live(1, 1)],
            ],
            rateLimit: rateLimit
        )
    }

    @Test("the summary counts every kind of change, unchanged versions and warnings")
    func summaryCounts() {
        let plan = Self.mixedPlan(rateLimit: 3)
        #expect(plan.summary == PlanSummary(create: 2, updateConfiguration: 1, delete: 2, unchanged: 2, warnings: 2))
        #expect(plan.warningKinds == [.emptyRefused, .immutableDrift])
        #expect(plan.summary.hasChanges)
    }

    struct EstimateCase: Sendable, CustomTestStringConvertible {
        var rateLimit: Double
        var seconds: Double
        var testDescription: String { "\(rateLimit) requests/s" }
    }

    @Test(
        "the estimate is one request per change, paced at the rate limit",
        arguments: [
            EstimateCase(rateLimit: 3, seconds: 5.0 / 3),
            EstimateCase(rateLimit: 0.5, seconds: 10),
            EstimateCase(rateLimit: 0, seconds: 0),
        ]
    )
    func estimate(_ testCase: EstimateCase) {
        let plan = Self.mixedPlan(rateLimit: testCase.rateLimit)
        #expect(plan.estimate == PlanEstimate(requests: 5, seconds: testCase.seconds))
    }

    @Test("a steady state plans nothing and costs nothing")
    func steadyState() {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1), Fixture.declared(2)]), live: [Fixture.live(1, 1), Fixture.live(2, 2)])
        #expect(plan.summary == PlanSummary(create: 0, updateConfiguration: 0, delete: 0, unchanged: 2, warnings: 0))
        #expect(!plan.summary.hasChanges)
        #expect(plan.estimate == PlanEstimate(requests: 0, seconds: 0))
    }

    @Test("a smoke test left to run is a change: counted, rendered, in JSON only when there is one")
    func pendingSmokeTestIsAChange() throws {
        var declared = Fixture.declared(1)
        declared.smoke = [SmokeCase(input: ["prompt": "hi"], location: SourceLocation(file: "models/sentiment.yaml", line: 12, column: 9))]
        let declaration = Fixture.declaration([declared])
        let pending = ReleaseGateState(pending: [.init(model: declaration.model, digest: declared.containerImageDigest): "f"])
        let plan = Planner.plan(
            declarations: [declaration], live: [declaration.model: LiveModel(model: declaration.model, versions: [Fixture.live(1, 1)])],
            revision: Fixture.revision, gate: pending)
        #expect(plan.steps() == ["smoke-test #1"])
        #expect(plan.summary == PlanSummary(create: 0, updateConfiguration: 0, delete: 0, unchanged: 1, warnings: 0, smokeTest: 1))
        #expect(plan.summary.hasChanges, "the only change of the model, yet one: the apply must run it")
        #expect(TextRenderer.render(plan).contains("Plan: 0 to create, 0 to configure, 0 to delete, 1 to smoke-test."))
        let json = try JSONEncoder().encode(plan.summary)
        #expect(String(decoding: json, as: UTF8.self).contains("\"smoke_test\":1"))
        #expect(try JSONDecoder().decode(PlanSummary.self, from: json) == plan.summary)
        let none = try JSONEncoder().encode(PlanSummary(create: 1, updateConfiguration: 0, delete: 0, unchanged: 0, warnings: 0))
        #expect(!String(decoding: none, as: UTF8.self).contains("smoke_test"), "plans without one are written as before")
        #expect(try JSONDecoder().decode(PlanSummary.self, from: none).smokeTest == 0)
    }

    /// A version pending its smoke tests that the plan replaces is tested first, before its replacement is made:
    /// left untested, a replacement failing its own tests left it the latest, never tested (the quarantine's
    /// number is the replacement's, so the plan after keeps it as the declared copy).
    @Test("a pending version the plan replaces is smoke-tested before its replacement is made")
    func pendingVersionReplacedIsTestedFirst() throws {
        var declared = Fixture.declared(1, notes: "Changed")
        declared.smoke = [SmokeCase(input: ["prompt": "hi"], location: SourceLocation(file: "models/sentiment.yaml", line: 12, column: 9))]
        let declaration = Fixture.declaration([declared], onImmutableChange: .replace)
        let pending = ReleaseGateState(pending: [.init(model: declaration.model, digest: declared.containerImageDigest): "f"])
        let plan = Planner.plan(
            declarations: [declaration], live: [declaration.model: LiveModel(model: declaration.model, versions: [Fixture.live(1, 1)])],
            revision: Fixture.revision, gate: pending)
        #expect(plan.steps() == ["smoke-test #1", "create d1", "delete #1"])
    }

    @Test("the same inputs always give the same plan")
    func deterministic() {
        #expect(Self.mixedPlan(rateLimit: 3) == Self.mixedPlan(rateLimit: 3))
    }
}
