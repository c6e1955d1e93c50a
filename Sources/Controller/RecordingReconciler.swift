import Foundation
import Pipeline

/// A reconciler that keeps each reconcile it runs in the controller's recent history (``RecentReconciles``):
/// the loop schedules it as it would the reconciler it wraps.
public struct RecordingReconciler: Reconciling {
    /// The reconciler doing the work.
    public let reconciler: any Reconciling
    /// Where the entries go.
    public let history: RecentReconciles

    /// Wraps `reconciler`.
    public init(_ reconciler: any Reconciling, history: RecentReconciles) {
        self.reconciler = reconciler
        self.history = history
    }

    /// Runs the reconcile, then records it.
    public func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
        let started = ContinuousClock.now
        let report = await reconciler.reconcile(request)
        if let entry = HistoryEntry(report, request: request, duration: ContinuousClock.now - started, at: Date()) {
            history.append(entry)
        }
        return report
    }
}
