/// What one reconcile is asked to do.
public struct ReconcileRequest: Sendable, Equatable {
    /// Every model (the first run, and each drift interval), rather than only what changed in git.
    public var full: Bool
    /// The commit last applied successfully, to diff the new commit against; `nil` before the first.
    public var lastAppliedCommit: String?

    /// Creates a request.
    public init(full: Bool, lastAppliedCommit: String?) {
        self.full = full
        self.lastAppliedCommit = lastAppliedCommit
    }
}

/// Counts of a plan, by action.
public struct ChangeCounts: Sendable, Equatable, Codable {
    /// Versions to create.
    public var create: Int
    /// Configurations to update.
    public var update: Int
    /// Versions to delete.
    public var delete: Int

    /// Creates counts.
    public init(create: Int = 0, update: Int = 0, delete: Int = 0) {
        self.create = create
        self.update = update
        self.delete = delete
    }

    /// All changes together.
    public var total: Int { create + update + delete }
}

/// What one reconcile did.
public struct ReconcileReport: Sendable, Equatable {
    /// The commit the reconcile planned from, when the repository could be read.
    public var commit: String?
    /// Whether everything planned was applied (or reported, in a dry run) without an error.
    public var succeeded: Bool
    /// The first error, for `/status` and the logs.
    public var error: String?
    /// The changes the plan held.
    public var planned: ChangeCounts
    /// The models compared with the live state (all of them in a full reconcile).
    public var modelsReconciled: Int
    /// Models whose live state differed from the declarations; only meaningful for a full reconcile.
    public var driftedModels: [String]
    /// Changes made (always 0 in a dry run).
    public var applied: Int
    /// The commit was already reconciled, so nothing was planned: the last plan's figures still stand.
    public var upToDate: Bool

    /// Creates a report.
    public init(
        commit: String?, succeeded: Bool, error: String? = nil, planned: ChangeCounts = .init(),
        modelsReconciled: Int = 0, driftedModels: [String] = [], applied: Int = 0, upToDate: Bool = false
    ) {
        self.commit = commit
        self.succeeded = succeeded
        self.error = error
        self.planned = planned
        self.modelsReconciled = modelsReconciled
        self.driftedModels = driftedModels
        self.applied = applied
        self.upToDate = upToDate
    }
}

/// One reconcile: fetch, plan, apply. The loop schedules it; the CLI provides it (planning and applying
/// with the WriftAI client), and tests provide fakes.
public protocol Reconciling: Sendable {
    /// Runs one reconcile. Never throws: failures are reported, and the loop backs off.
    func reconcile(_ request: ReconcileRequest) async -> ReconcileReport
}
