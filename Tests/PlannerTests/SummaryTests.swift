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

    @Test("the same inputs always give the same plan")
    func deterministic() {
        #expect(Self.mixedPlan(rateLimit: 3) == Self.mixedPlan(rateLimit: 3))
    }
}
