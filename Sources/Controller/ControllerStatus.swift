import Foundation
import Synchronization

/// What `/status` shows: the loop's last results and its next run.
public struct ControllerStatus: Sendable, Codable, Equatable {
    /// The commit of the last reconcile attempted.
    public var lastAttemptedCommit: String?
    /// The commit last applied without an error.
    public var lastAppliedCommit: String?
    /// The last plan's counts.
    public var lastPlan: ChangeCounts?
    /// The last reconcile's error, `nil` when it succeeded.
    public var lastError: String?
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

    /// An empty status.
    public init(dryRun: Bool = false) { self.dryRun = dryRun }

    enum CodingKeys: String, CodingKey {
        case lastAttemptedCommit = "last_attempted_commit"
        case lastAppliedCommit = "last_applied_commit"
        case lastPlan = "last_plan"
        case lastError = "last_error"
        case lastRunAt = "last_run_at"
        case lastSuccessAt = "last_success_at"
        case failingSince = "failing_since"
        case nextRunAt = "next_run_at"
        case reconciles
        case dryRun = "dry_run"
    }

    /// Ready once a reconcile succeeded and failures (if any) have not lasted longer than `threshold`.
    public func isReady(now: Date, threshold: Duration) -> Bool {
        guard lastSuccessAt != nil else { return false }
        guard let failingSince else { return true }
        return now.timeIntervalSince(failingSince) <= threshold.seconds
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

    /// The status as JSON (ISO 8601 dates, sorted keys).
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(current)) ?? Data("{}".utf8)
    }
}
