import Applier
import GitSource
import Planner
import WriftAIModels

/// What one reconcile is asked to do.
public struct ReconcileRequest: Sendable, Equatable {
    /// Every model (the first run, and each drift interval), rather than only what changed in git.
    public var full: Bool
    /// The commit last applied successfully, to compare the new commit with; `nil` before the first.
    public var lastAppliedCommit: String?
    /// The commit the last reconcile stalled on (invalid declarations, a refused plan): a tick finding it
    /// again does nothing until a new commit or the next full reconcile.
    public var stalledCommit: String?
    /// What started it, for the history and events.
    public var trigger: ReconcileTrigger

    /// Creates a request. Without a `trigger`, a full reconcile before any applied commit is the `start`, a
    /// later full one the `drift_interval`, any other a `tick`.
    public init(full: Bool, lastAppliedCommit: String?, stalledCommit: String? = nil, trigger: ReconcileTrigger? = nil) {
        self.full = full
        self.lastAppliedCommit = lastAppliedCommit
        self.stalledCommit = stalledCommit
        self.trigger = trigger ?? (full ? (lastAppliedCommit == nil ? .start : .driftInterval) : .tick)
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
    /// Versions whose smoke tests are left to run (created by an apply that stopped before them).
    public var smokeTest: Int

    /// Creates counts.
    public init(create: Int = 0, update: Int = 0, delete: Int = 0, smokeTest: Int = 0) {
        self.create = create
        self.update = update
        self.delete = delete
        self.smokeTest = smokeTest
    }

    /// The counts of `plan`.
    public init(_ plan: Plan) {
        self.init(create: plan.summary.create, update: plan.summary.updateConfiguration, delete: plan.summary.delete, smokeTest: plan.summary.smokeTest)
    }

    /// All changes together: a smoke test left to run is one.
    public var total: Int { create + update + delete + smokeTest }

    enum CodingKeys: String, CodingKey {
        case create, update, delete
        case smokeTest = "smoke_test"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        create = try container.decode(Int.self, forKey: .create)
        update = try container.decode(Int.self, forKey: .update)
        delete = try container.decode(Int.self, forKey: .delete)
        smokeTest = try container.decodeIfPresent(Int.self, forKey: .smokeTest) ?? 0
    }

    /// `smoke_test` only when there are any, as in a plan's summary.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(create, forKey: .create)
        try container.encode(update, forKey: .update)
        try container.encode(delete, forKey: .delete)
        if smokeTest > 0 { try container.encode(smokeTest, forKey: .smokeTest) }
    }
}

/// What one reconcile did.
public struct ReconcileReport: Sendable {
    /// The commit the reconcile planned from, when the repository could be read.
    public var commit: String?
    /// Why it failed; `nil` when everything planned was applied (or reported, in a dry run).
    public var failure: ReconcileFailure?
    /// The plan's counts; `nil` when no plan was made.
    public var planned: ChangeCounts?
    /// The models compared with the live state (all of them in a full reconcile).
    public var plannedModels: [ModelID]
    /// Whether `plannedModels` are every model the commit declares (a full reconcile, or the first after a
    /// start or a failure): a model known before and not among them is no longer declared.
    public var allModelsPlanned = false
    /// Models whose declaration changed since the last applied commit and had changes planned.
    public var changedModels: [ModelID]
    /// Models whose declaration did not change but whose live state differs from it: drift, made outside
    /// git (on the first reconcile every difference counts as drift).
    public var driftedModels: [ModelID]
    /// The plan's warnings, for the models planned.
    public var warnings: [PlanWarning]
    /// Changes made (always 0 in a dry run).
    public var applied: Int
    /// Nothing was planned: the commit was already applied, or already stalled on.
    public var upToDate: Bool
    /// Declaration files parsed by this reconcile (only those that changed).
    public var parsedFiles: Int
    /// The plan, when one was made.
    public var plan: Plan?
    /// What the apply did, when it ran.
    public var applyResult: ApplyResult?
    /// Versions with smoke tests were created without running them (`--skip-smoke`).
    public var smokeSkipped = false
    /// The repository at the commit planned from, when it was fetched: events and the history read the
    /// commit's author and subject from it, only when they need them.
    public var snapshot: Snapshot?
    /// The author and subject of ``commit``, read once when the commit is new (not on an up-to-date tick);
    /// `nil` when it cannot be read, which never fails a reconcile.
    public var commitDetails: CommitDetails?
    /// What the plan saw of each model planned, with the live versions as the apply left them.
    public var observations: [ModelObservation] = []

    /// Creates a report.
    public init(
        commit: String?, failure: ReconcileFailure? = nil, planned: ChangeCounts? = nil, plannedModels: [ModelID] = [],
        changedModels: [ModelID] = [], driftedModels: [ModelID] = [], warnings: [PlanWarning] = [], applied: Int = 0,
        upToDate: Bool = false, parsedFiles: Int = 0, plan: Plan? = nil, applyResult: ApplyResult? = nil
    ) {
        self.commit = commit
        self.failure = failure
        self.planned = planned
        self.plannedModels = plannedModels
        self.changedModels = changedModels
        self.driftedModels = driftedModels
        self.warnings = warnings
        self.applied = applied
        self.upToDate = upToDate
        self.parsedFiles = parsedFiles
        self.plan = plan
        self.applyResult = applyResult
    }

    /// Whether it succeeded.
    public var succeeded: Bool { failure == nil }

    /// The models compared with the live state.
    public var modelsReconciled: Int { plannedModels.count }
}

/// One reconcile: fetch, plan, apply. The loop schedules it; ``PipelineReconciler`` provides it, tests
/// provide fakes.
public protocol Reconciling: Sendable {
    /// Runs one reconcile. Never throws: failures are reported, and the loop reacts by their class.
    func reconcile(_ request: ReconcileRequest) async -> ReconcileReport
}

extension ReconcileReport {
    /// Of the models `known` (by `owner/name`), those this reconcile shows are no longer declared: named as not
    /// managed by its plan, or left out of a reconcile that planned every declared model. What is kept per
    /// model (status rows, gauges, notification throttles) goes: a deleted model's drift would otherwise keep an
    /// alert firing until a restart.
    public func noLongerDeclared(among known: some Sequence<String>) -> [String] {
        guard plan != nil else { return [] }
        let planned = Set(plannedModels.map(\.description))
        let unmanaged = Set(plan?.unmanaged?.map(\.model) ?? [])
        return known.filter { unmanaged.contains($0) || (allModelsPlanned && !planned.contains($0)) }
    }
}
