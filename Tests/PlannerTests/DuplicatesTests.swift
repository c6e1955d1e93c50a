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

    struct Copies: Sendable, CustomTestStringConvertible {
        let testDescription: String
        /// Live versions as (number, digest).
        let live: [(Int, Int)]
        let deleted: [Int]
        let latest: Int
        var warnings: [WarningKind] = []
        var reason: String?
    }

    @Test("of several copies of a declared digest, the one kept is the newest below the copy kept of the version declared after it", arguments: [
        Copies(testDescription: "a lost create's late copy, landed after its resend and the next create",
               live: [(1, 1), (2, 2), (3, 3), (4, 2)], deleted: [4], latest: 3,
               reason: "not declared: a later duplicate of #2, above a version declared after it"),
        Copies(testDescription: "two appliers interleaved: the newest copies are in order",
               live: [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)], deleted: [2, 4], latest: 5),
        Copies(testDescription: "a late copy of each: the newest of the last, the newest below it of the one before",
               live: [(1, 1), (2, 2), (3, 3), (4, 2), (5, 3)], deleted: [2, 3], latest: 5),
        Copies(testDescription: "no copy below the next one's: the newest, and the plan warns",
               live: [(1, 3), (2, 1), (3, 2), (4, 2)], deleted: [3], latest: 4, warnings: [.latestMismatch]),
    ])
    func copiesKeptInDeclaredOrder(_ copies: Copies) {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1), Fixture.declared(2), Fixture.declared(3)]),
            live: copies.live.map { Fixture.live($0.0, $0.1) }
        )
        #expect(plan.steps() == copies.deleted.map { "delete #\($0)" })
        #expect(plan.models.only?.latestAfterApply?.number == copies.latest)
        #expect(plan.warningKinds == copies.warnings)
        if let reason = copies.reason {
            #expect(plan.changes.first?.reason.hasPrefix(reason) == true)
        }
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
