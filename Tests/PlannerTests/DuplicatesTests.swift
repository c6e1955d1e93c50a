import Planner
import Testing

@Suite("Planner: duplicate live digests")
struct DuplicatesTests {
    @Test("the newest duplicate is the match; older ones are deleted as undeclared")
    func olderDuplicatesDeleted() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1)]),
            live: [Fixture.live(3, 1), Fixture.live(1, 1), Fixture.live(2, 1)]
        )
        #expect(plan.steps() == ["delete #1", "delete #2"])
        #expect(plan.changes.map(\.reason) == Array(repeating: "not declared: an older duplicate of #3", count: 2))
        #expect(plan.summary.unchanged == 1)
        #expect(plan.models.only?.latestAfterApply?.number == 3)
    }

    @Test("with prune off, older duplicates stay")
    func pruneOffKeepsDuplicates() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1)], prune: false),
            live: [Fixture.live(1, 1), Fixture.live(2, 1)]
        )
        #expect(plan.changes.isEmpty)
        #expect(plan.warnings.isEmpty)
    }

    @Test("keep protects an older duplicate")
    func keepProtectsDuplicate() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1)], keep: [1]),
            live: [Fixture.live(1, 1), Fixture.live(2, 1), Fixture.live(3, 1)]
        )
        #expect(plan.steps() == ["delete #2"])
    }

    @Test("drift is judged against the newest duplicate only")
    func driftAgainstNewest() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Current")]),
            live: [Fixture.live(1, 1, notes: "Stale"), Fixture.live(2, 1, notes: "Current")]
        )
        #expect(plan.warnings.isEmpty)
        #expect(plan.steps() == ["delete #1"])
    }

    @Test("undeclared duplicates still count toward the allow_empty refusal")
    func duplicatesAndAllowEmpty() {
        let plan = Fixture.plan(Fixture.declaration([]), live: [Fixture.live(1, 1), Fixture.live(2, 1)])
        #expect(plan.changes.isEmpty)
        #expect(plan.warningKinds == [.emptyRefused])
    }
}
