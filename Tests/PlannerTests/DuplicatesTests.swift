import Declarations
import Planner
import WriftAIModels
import WriftSyncTesting
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
        var policy: OutOfOrderPolicy = .hold
        let steps: [String]
        /// The digest latest after apply.
        let latest: Int
        var warnings: [WarningKind] = []
    }

    @Test("the newest copy of a declared digest is always the one kept; an order that leaves is warned, or mended by recreate", arguments: [
        Copies(testDescription: "two appliers interleaved: the newest copies are in order",
               live: [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)], steps: ["delete #2", "delete #4"], latest: 3),
        Copies(testDescription: "a lost create's late copy above the next version: kept, and the plan warns",
               live: [(1, 1), (2, 2), (3, 3), (4, 2)], steps: ["delete #2"], latest: 2, warnings: [.latestMismatch]),
        Copies(testDescription: "the same with recreate: the versions declared after it are made again",
               live: [(1, 1), (2, 2), (3, 3), (4, 2)], policy: .recreate, steps: ["create d3", "delete #2", "delete #3"], latest: 3),
    ])
    func newestCopyKept(_ copies: Copies) {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1), Fixture.declared(2), Fixture.declared(3)], onOutOfOrder: copies.policy),
            live: copies.live.map { Fixture.live($0.0, $0.1) }
        )
        #expect(plan.steps() == copies.steps)
        #expect(plan.models.only?.latestAfterApply?.containerImageDigest == repeatedDigest(copies.latest) as Digest)
        #expect(plan.warningKinds == copies.warnings)
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
