import Planner

/// The safety rails checked before anything is applied. Pure, so a dry run and the real run refuse
/// exactly the same plans.
public enum ApplyRails {
    /// The default of `--max-deletes`.
    public static let defaultMaxDeletes = 10

    /// Why a plan must not be applied as it is.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The plan deletes more versions than the limit allows.
        case tooManyDeletes(planned: Int, limit: Int)
        /// The live state changed since the plan was made.
        case stale([StaleModel])
        /// The repository's ref points to another commit than the plan was made from.
        case refMoved(ref: String, planned: String, current: String)
        /// The plan was made from another repository than the one given.
        case otherRepository(planned: String, given: String)
        /// A model's changes leave another version the latest than the plan says (the latest-version rail
        /// judges what the plan says): an edited or damaged plan.
        case misstatedLatest([MisstatedLatest])
        /// The plan creates digests quarantined since it was made: their smoke tests failed.
        case quarantined([QuarantinedCreate])
        /// The plan was made from uncommitted files (`plan --worktree`), which no one reviewed as a commit.
        case uncommitted

        /// What is wrong and what to do, for the CLI to print.
        public var description: String {
            switch self {
            case let .tooManyDeletes(planned, limit):
                return "the plan deletes \(planned) versions, more than --max-deletes \(limit) allows; "
                    + "review the plan, then raise --max-deletes to apply it (nothing was applied)"
            case let .stale(models):
                let details = models.map(\.description).joined(separator: "; ")
                return "plan is stale: the live versions changed since it was made (\(details)); "
                    + "make a new plan (nothing was applied)"
            case let .refMoved(ref, planned, current):
                return "plan is stale: \(ref) is now at \(current), the plan was made from \(planned); "
                    + "make a new plan (nothing was applied)"
            case let .otherRepository(planned, given):
                return "the plan was made from \(planned), not \(given) (nothing was applied)"
            case let .misstatedLatest(models):
                return models.map(\.description).joined(separator: "; ")
                    + ": the plan was edited or damaged after it was made; make a new plan (nothing was applied)"
            case let .quarantined(creates):
                return "the plan creates " + creates.map(\.description).joined(separator: "; ")
                    + "; a quarantined version is not created again until its declaration changes or `wriftsync quarantine clear` "
                    + "lifts it: make a new plan (nothing was applied)"
            case .uncommitted:
                return "the plan was made from uncommitted files (plan --worktree) and cannot be applied as reviewed: "
                    + "commit them, then plan again without --worktree (nothing was applied)"
            }
        }
    }

    /// Refuses a plan that deletes more than `maxDeletes` versions.
    public static func check(_ plan: Plan, maxDeletes: Int) -> Refusal? {
        let deletes = plan.changes.count { $0.action == .delete }
        return deletes > maxDeletes ? .tooManyDeletes(planned: deletes, limit: maxDeletes) : nil
    }
}
