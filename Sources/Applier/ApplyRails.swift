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
            }
        }
    }

    /// Refuses a plan that deletes more than `maxDeletes` versions.
    public static func check(_ plan: Plan, maxDeletes: Int) -> Refusal? {
        let deletes = plan.changes.count { $0.action == .delete }
        return deletes > maxDeletes ? .tooManyDeletes(planned: deletes, limit: maxDeletes) : nil
    }
}
