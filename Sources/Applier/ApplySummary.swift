/// The counts of an apply.
public struct ApplySummary: Codable, Sendable, Equatable {
    /// Versions created.
    public var created: Int
    /// Configurations set.
    public var configured: Int
    /// Versions deleted, including those found already gone.
    public var deleted: Int
    /// Changes that failed.
    public var failed: Int
    /// Changes not attempted because an earlier change of their model failed.
    public var skipped: Int
    /// Versions created and deleted again because their smoke tests failed.
    public var rolledBack: Int

    /// Counts `actions`.
    public init(_ actions: [ActionResult]) {
        var (created, configured, deleted, failed, skipped, rolledBack) = (0, 0, 0, 0, 0, 0)
        // One pass, reading each outcome in place: a pass per count copied every result six times (between an
        // apply's last answer and its summary line).
        for index in actions.indices {
            switch actions[index].outcome {
            case .created: created += 1
            case .configured: configured += 1
            case .deleted, .alreadyDeleted: deleted += 1
            case .failed: failed += 1
            case .skipped: skipped += 1
            case .rolledBack: rolledBack += 1
            case .tested, .untested: break
            }
        }
        (self.created, self.configured, self.deleted, self.failed, self.skipped, self.rolledBack) =
            (created, configured, deleted, failed, skipped, rolledBack)
    }

    /// `Apply complete: 2 created, 0 configured, 1 deleted, 0 failed.` (and `, 1 rolled back` when one was).
    public var line: String {
        let rollbacks = rolledBack > 0 ? ", \(rolledBack) rolled back" : ""
        return "Apply complete: \(created) created, \(configured) configured, \(deleted) deleted, \(failed) failed\(rollbacks)."
    }

    enum CodingKeys: String, CodingKey {
        case created, configured, deleted, failed, skipped
        case rolledBack = "rolled_back"
    }
}
