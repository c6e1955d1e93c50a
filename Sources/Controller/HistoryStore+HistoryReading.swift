import Foundation
import Notifications
import Pipeline

/// The durable history (`history.jsonl`) as the status page reads it, so the page shows what happened before
/// a restart too.
extension HistoryStore: HistoryReading {
    /// The newest `limit` records, newest first; read on a thread of its own (the files are on disk), within
    /// `ConcurrencyLimit.historyReads` (which refuses it, `ConcurrencyLimit.Full`, when too many wait).
    public func records(model: String?, limit: Int) async throws -> [HistoryEntry] {
        let query = HistoryQuery(model: model, limit: limit)
        return try await ConcurrencyLimit.historyReads.run { try await onOwnThread { try self.read(query) } }.records.reversed().map(HistoryEntry.init)
    }
}

extension HistoryEntry {
    /// The page's view of a history record.
    init(_ record: HistoryRecord) {
        let kind: Kind
        switch record.result {
        case .failed: kind = .failed
        case .refused: kind = .refused
        case .applied where record.actions.isEmpty || record.dryRun:
            kind = record.drifted.isEmpty && (record.plan?.changes ?? 0) == 0 ? .upToDate : .driftDetected
        case .applied:
            // As the page says it of a reconcile in memory: drift corrected when every change was a drifted model's
            // (a full reconcile run as a retry or for a webhook too), never for the first reconcile of a process.
            let onlyDrift = !record.drifted.isEmpty && record.trigger != .start && record.trigger != .cli
                && record.actions.allSatisfy { record.drifted.contains($0.model) }
            kind = onlyDrift ? .driftCorrected : .applied
        }
        let changes = record.actions.map {
            Change(model: $0.model, action: $0.action.rawValue, number: $0.number, containerImageDigest: $0.digest, outcome: $0.outcome.rawValue)
        }
        self.init(
            time: record.time, kind: kind, trigger: record.trigger.rawValue.replacingOccurrences(of: "_", with: " "),
            commit: record.commit?.id, author: record.commit?.author?.name, subject: record.commit?.subject,
            models: record.models, changes: Array(changes.prefix(Self.maxChanges)), moreChanges: max(0, changes.count - Self.maxChanges),
            warnings: record.warnings.count, failureClass: record.failure?.failureClass.rawValue, message: record.failure?.message,
            durationSeconds: record.durationSeconds
        )
    }
}

/// The durable history, with what it does not keep — drift found but not corrected (a dry run, a create held
/// back), a new commit that needed nothing — from the controller's own recent reconciles, newest first.
public struct CombinedHistory: HistoryReading {
    /// The kinds only the in-memory history has.
    static let onlyInMemory: Set<HistoryEntry.Kind> = [.driftDetected, .upToDate]

    /// The durable history.
    public let durable: any HistoryReading
    /// The reconciles of this process.
    public let recent: RecentReconciles

    /// Combines `durable` with the kinds of `recent` it does not keep.
    public init(durable: any HistoryReading, recent: RecentReconciles) {
        self.durable = durable
        self.recent = recent
    }

    /// See ``HistoryReading``.
    public func records(model: String?, limit: Int) async throws -> [HistoryEntry] {
        let kept = try await durable.records(model: model, limit: limit)
        let memory = recent.records(model: model, limit: recent.capacity).filter { Self.onlyInMemory.contains($0.kind) }
        return Array((kept + memory).sorted { $0.time > $1.time }.prefix(limit))
    }
}
