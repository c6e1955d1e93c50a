import Foundation
import Pipeline
import Planner
import Synchronization

/// What `/status` shows: the loop's last results, its failures with their class, each model's warnings,
/// and its next run.
public struct ControllerStatus: Sendable, Codable, Equatable {
    /// The last failure: its stage, its class (how the loop reacts) and its message.
    public struct Failure: Sendable, Codable, Equatable {
        /// `stalled` (waits for a new commit or the drift interval), `transient` or `partial` (retried with backoff).
        public var failureClass: ReconcileFailure.Class
        /// The stage that failed.
        public var stage: ReconcileFailure.Stage
        /// One line saying what failed and what to do.
        public var message: String
        /// The declaration problems (`file:line:column: message`), the first 50.
        public var problems: [String]?

        /// The failure as `/status` shows it.
        public init(_ failure: ReconcileFailure) {
            failureClass = failure.failureClass
            stage = failure.stage
            message = failure.description
            let problems = failure.problems.prefix(50).map(\.description)
            self.problems = problems.isEmpty ? nil : problems
        }

        enum CodingKeys: String, CodingKey {
            case failureClass = "class"
            case stage
            case message
            case problems
        }
    }

    /// One warning of the last plan of a model.
    public struct Warning: Sendable, Codable, Equatable {
        /// What kind of warning (`latest_mismatch`, `out_of_order_held`, `immutable_drift`, `empty_refused`).
        public var kind: WarningKind
        /// The version concerned, if one is.
        public var number: Int?
        /// The explanation.
        public var message: String

        /// The warning as `/status` shows it.
        public init(_ warning: PlanWarning) {
            kind = warning.kind
            number = warning.number
            message = warning.message
        }
    }

    /// What the last plan of one model said.
    public struct ModelStatus: Sendable, Codable, Equatable {
        /// The live state differs from the declaration (changes were planned, or are held back or warned about).
        public var drifted: Bool
        /// The warnings of the model's last plan.
        public var warnings: [Warning]
        /// `in_sync`, `drifted`, `failing` and `warning`, each with since when it holds or not.
        public var conditions: [ModelCondition] = []
        /// `in_sync`, `drifted`, `failing` or `warning`, as the last reconcile of the model left it.
        public var state: ModelState?
        /// Since when ``state`` holds.
        public var stateSince: Date?
        /// Versions declared.
        public var declaredVersions: Int?
        /// Versions live, as the last apply left them.
        public var liveVersions: Int?
        /// The latest live version (it takes un-pinned predictions).
        public var latest: LatestVersion?
        /// The last change applied to the model, and from which commit.
        public var lastChange: LastChange?
        /// Why the model's last changes failed, when they did.
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case drifted
            case warnings
            case conditions
            case state
            case stateSince = "state_since"
            case declaredVersions = "declared_versions"
            case liveVersions = "live_versions"
            case latest
            case lastChange = "last_change"
            case lastError = "last_error"
        }
    }

    /// The commit of the last reconcile attempted.
    public var lastAttemptedCommit: String?
    /// The commit last applied without an error.
    public var lastAppliedCommit: String?
    /// The last plan's counts; `nil` until a plan was made.
    public var lastPlan: ChangeCounts?
    /// The last reconcile's error message, `nil` when it succeeded.
    public var lastError: String?
    /// The last reconcile's failure, `nil` when it succeeded.
    public var lastFailure: Failure?
    /// When the last reconcile finished.
    public var lastRunAt: Date?
    /// When the last successful reconcile finished.
    public var lastSuccessAt: Date?
    /// Since when reconciles fail without a success in between; `nil` while they succeed.
    public var failingSince: Date?
    /// When the next reconcile is due.
    public var nextRunAt: Date?
    /// Reconciles finished since start.
    public var reconciles: Int = 0
    /// Whether the loop only reports drift.
    public var dryRun: Bool = false
    /// Every model planned so far, by name, as its last plan left it.
    public var models: [String: ModelStatus] = [:]
    /// What the last plan of each model saw: its declared and live versions (for the status page's model
    /// pages; not part of the JSON, which stays small).
    public internal(set) var observations: [String: ModelObservation] = [:]
    /// The author and subject of the commits last attempted and applied (not part of the JSON).
    public internal(set) var commits: [String: CommitSummary] = [:]

    /// An empty status.
    public init(dryRun: Bool = false) { self.dryRun = dryRun }

    enum CodingKeys: String, CodingKey {
        case lastAttemptedCommit = "last_attempted_commit"
        case lastAppliedCommit = "last_applied_commit"
        case lastPlan = "last_plan"
        case lastError = "last_error"
        case lastFailure = "last_failure"
        case lastRunAt = "last_run_at"
        case lastSuccessAt = "last_success_at"
        case failingSince = "failing_since"
        case nextRunAt = "next_run_at"
        case reconciles
        case dryRun = "dry_run"
        case models
    }

    /// Ready once a reconcile succeeded and failures (if any) have not lasted longer than `threshold`.
    public func isReady(now: Date, threshold: Duration) -> Bool {
        guard lastSuccessAt != nil else { return false }
        guard let failingSince else { return true }
        return now.timeIntervalSince(failingSince) <= threshold.seconds
    }

    /// Why ``isReady(now:threshold:)`` is false, for `/readyz`.
    public var notReadyReason: String {
        if let lastFailure {
            let failing = lastSuccessAt == nil ? "no reconcile has succeeded yet" : "reconciles are failing"
            return "\(failing): \(lastFailure.failureClass.rawValue) failure in \(lastFailure.stage.rawValue): \(lastFailure.message)"
        }
        return "no reconcile has completed yet"
    }

    /// Takes in one finished reconcile: what it found of the models it planned, their conditions, and the state
    /// the status page shows (from the conditions, so the two never disagree).
    mutating func absorb(_ report: ReconcileReport, waitingOnStalled: Bool = false, now: Date) {
        merge(report, at: now)
        updateConditions(report, waitingOnStalled: waitingOnStalled, dryRun: dryRun, now: now)
        updateStates(now: now)
    }

    /// Takes in what one finished reconcile found: the models it planned replace their earlier status, the
    /// others keep theirs (an incremental reconcile plans only the models whose declaration changed).
    mutating func merge(_ report: ReconcileReport, at now: Date) {
        remember(report)
        guard report.planned != nil else { return }
        let previous = models
        defer { mergeObservations(report, previous: previous, at: now) }
        let warnings = Dictionary(grouping: report.warnings, by: \.model.description)
        let drifted = Set((report.driftedModels + report.changedModels).map(\.description))
        for model in report.plannedModels.map(\.description) {
            models[model] = ModelStatus(
                drifted: drifted.contains(model), warnings: (warnings[model] ?? []).map(Warning.init), conditions: models[model]?.conditions ?? []
            )
        }
        // What the page shows of a model goes with it: its observed versions (release notes included) were kept
        // for every name ever declared.
        for model in report.noLongerDeclared(among: Set(models.keys).union(observations.keys)) {
            models[model] = nil
            observations[model] = nil
        }
    }
}

/// The status shared by the loop (which writes it) and the HTTP endpoints (which read it).
public final class StatusStore: Sendable {
    private let state: Mutex<ControllerStatus>

    /// A store holding `initial`.
    public init(_ initial: ControllerStatus = ControllerStatus()) {
        state = Mutex(initial)
    }

    /// A copy of the current status.
    public var current: ControllerStatus { state.withLock { $0 } }

    /// Changes the status under the lock.
    public func update(_ body: (inout ControllerStatus) -> Void) {
        state.withLock { body(&$0) }
    }

    /// The status as JSON (ISO 8601 dates, sorted keys, `/` as is).
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(current)) ?? Data("{}".utf8)
    }
}
