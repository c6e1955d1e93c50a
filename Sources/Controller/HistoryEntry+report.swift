import Foundation
import Notifications
import Pipeline

extension HistoryEntry {
    /// The entry for one finished reconcile, or `nil` for one that did nothing worth a line: a tick that found
    /// no new commit, a full reconcile that found nothing to change at a commit already recorded.
    public init?(_ report: ReconcileReport, request: ReconcileRequest, duration: Duration, at time: Date) {
        if report.upToDate && report.failure == nil { return nil }
        // The words of the durable history (`drift interval`, `tick`, `webhook`, `retry`): the page shows both on one
        // timeline, and a webhook's or a retry's run read as "new commit" or "full reconcile".
        let trigger = request.trigger.rawValue.replacingOccurrences(of: "_", with: " ")
        let kind: Kind
        var changes: [Change]
        if let failure = report.failure {
            // A rail's refusal, as the durable record says it (a listing that moved under the plan included).
            kind = EventBuilder.rail(of: failure) == nil ? .failed : .refused
            changes = Self.changes(report)
        } else if let result = report.applyResult, !result.actions.isEmpty {
            let onlyDrift = request.lastAppliedCommit != nil && report.changedModels.isEmpty && !report.driftedModels.isEmpty
            kind = onlyDrift ? .driftCorrected : .applied
            changes = Self.changes(report)
        } else if let plan = report.plan, plan.summary.hasChanges || !report.driftedModels.isEmpty {
            kind = .driftDetected
            changes = Self.changes(report)
        } else {
            kind = .upToDate
            changes = []
        }
        let more = max(0, changes.count - Self.maxChanges)
        changes = Array(changes.prefix(Self.maxChanges))
        let models = Set(changes.map(\.model)).union(report.driftedModels.map(\.description)).union(report.changedModels.map(\.description))
            .union(report.failure?.failureClass == nil ? [] : Self.failedModels(report))
        self.init(
            time: time, kind: kind, trigger: trigger, commit: report.commit, author: report.commitDetails?.author.name,
            subject: report.commitDetails?.subject, models: models.sorted(), changes: changes, moreChanges: more,
            warnings: report.warnings.count, failureClass: report.failure?.failureClass.rawValue,
            message: report.failure?.description, durationSeconds: duration.seconds
        )
    }

    /// The changes done (or tried), or, when nothing was applied, those planned.
    private static func changes(_ report: ReconcileReport) -> [Change] {
        if let result = report.applyResult, !result.actions.isEmpty {
            return result.actions.map {
                Change(model: $0.model.description, action: $0.action.rawValue, number: $0.number, containerImageDigest: $0.containerImageDigest.value, outcome: $0.outcome.rawValue)
            }
        }
        return (report.plan?.changes ?? []).map {
            Change(model: $0.model.description, action: $0.action.rawValue, number: $0.number, containerImageDigest: $0.digest.value, outcome: "planned")
        }
    }

    private static func failedModels(_ report: ReconcileReport) -> [String] {
        if case let .latestMoved(models) = report.failure?.cause { return models.map(\.description) }
        return []
    }
}
