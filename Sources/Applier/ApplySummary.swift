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
        created = actions.count { $0.outcome == .created }
        configured = actions.count { $0.outcome == .configured }
        deleted = actions.count { $0.outcome == .deleted || $0.outcome == .alreadyDeleted }
        failed = actions.count { $0.outcome == .failed }
        skipped = actions.count { $0.outcome == .skipped }
        rolledBack = actions.count { $0.outcome == .rolledBack }
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
