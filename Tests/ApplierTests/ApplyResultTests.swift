import Applier
import JSONSchema
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// An apply's result from its results in the order they completed: every outcome counted in its place, the
/// failures and the verdict, and the plan's order restored (a duplicate removed after a create follows that
/// create). Read in one pass over the outcomes, not a pass per count.
@Suite struct ApplyResultTests {
    static func result(_ index: Int, _ outcome: ActionOutcome, action: ChangeAction = .create, number: Int? = 1, duplicateOf: Int? = nil) -> ActionResult {
        ActionResult(index: index, model: "alice/a", action: action, number: number, containerImageDigest: digest(index),
                     releaseNotes: nil, outcome: outcome, duplicateOf: duplicateOf)
    }

    /// Created, configured, deleted, failed, skipped, rolled back.
    static func counts(_ summary: ApplySummary) -> [Int] {
        [summary.created, summary.configured, summary.deleted, summary.failed, summary.skipped, summary.rolledBack]
    }

    @Test func everyOutcomeIsCountedInItsPlaceAndThePlansOrderIsRestored() {
        // Each outcome n times (n = its position in the list, from 1), in an order the plan did not have.
        let outcomes: [ActionOutcome] = [.created, .configured, .deleted, .alreadyDeleted, .failed, .skipped, .tested, .rolledBack]
        var actions: [ActionResult] = []
        var index = 0
        for (position, outcome) in outcomes.enumerated() {
            for _ in 0...position {
                actions.append(Self.result(index, outcome))
                index += 1
            }
        }
        // A duplicate removed after create #0 (the check's delete carries no planned number of its own).
        actions.append(Self.result(0, .deleted, action: .delete, number: 7, duplicateOf: 9))
        var shuffle = SplitMix64(seed: 0xA991)
        for position in actions.indices.reversed() {
            actions.swapAt(position, shuffle.below(position + 1))
        }

        let applied = ApplyResult(revision: Revision(repository: "r", ref: "main", commit: "c"), actions: actions)
        #expect(Self.counts(applied.summary) == [1, 2, 3 + 4 + 1, 5, 6, 8])
        #expect(applied.summary.line == "Apply complete: 1 created, 2 configured, 8 deleted, 5 failed, 8 rolled back.")
        #expect(applied.actions.map(\.index) == [0] + Array(0..<index), "the plan's order, the duplicate check after its create")
        #expect(applied.actions[1].duplicateOf == 9)
        #expect(applied.failures.count == 5 + 8)
        #expect(applied.failures.allSatisfy { $0.outcome == .failed || $0.outcome == .rolledBack })
        #expect(applied.failures.map(\.index) == applied.failures.map(\.index).sorted())
        #expect(!applied.succeeded)

        let done = ApplyResult(revision: applied.revision, actions: actions.filter(\.outcome.isDone))
        #expect(done.succeeded)
        #expect(done.failures.isEmpty)
        #expect(Self.counts(done.summary) == [1, 2, 8, 0, 0, 0])
    }
}
