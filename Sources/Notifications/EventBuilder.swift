import Applier
import Foundation
import GitSource
import Pipeline
import Planner
import WriftAIModels

/// The events of one reconcile, computed from its report's stages and typed failure, never from log text.
/// Pure: the same outcome gives the same events (but for their ids); repeats are ``EventThrottle``'s to drop.
public enum EventBuilder {
    /// The events of `outcome`, in the order a person reads them: the failure or refusal, what was applied,
    /// the drift, then the warnings.
    public static func events(of outcome: ReconcileOutcome, source: EventSource, details: CommitDetails?) -> [ReconcileEvent] {
        let report = outcome.report
        if report.upToDate && report.failure == nil { return [] }
        let base = ReconcileEvent(
            type: .applied, time: outcome.finishedAt, repository: source.repository,
            ref: report.snapshot?.resolved.name ?? report.plan?.revision.ref ?? source.ref, path: source.path,
            commit: report.commit.map { ReconcileEvent.Commit(id: $0, details: details?.commit.hex == $0 ? details : nil) },
            trigger: outcome.trigger, dryRun: outcome.dryRun, summary: ""
        )
        var events: [ReconcileEvent] = []
        let actions = report.applyResult?.actions ?? []

        if let failure = report.failure {
            if outcome.waitingOnStalled { return [] }
            var event = base
            event.failure = ReconcileEvent.Failure(failure)
            if let rail = rail(of: failure) {
                event.type = .refused
                event.rail = rail
                event.summary = "\(source.repository) refused by \(rail.rawValue) at \(commitText(base.commit)): \(failure.description)"
            } else {
                event.type = .failed
                event.summary = "\(source.repository) reconcile failed (\(failure.failureClass.rawValue), \(failure.stage.rawValue)) at \(commitText(base.commit)): \(failure.description)"
                if !actions.isEmpty { event.actions = actions.map(ReconcileEvent.Action.init) }
            }
            events.append(event)
        } else {
            let drifted = Set(report.driftedModels)
            // The first reconcile applies the commit: what it finds different is git's to apply, not drift.
            let driftActions = outcome.baseline ? [] : actions.filter { drifted.contains($0.model) }
            let appliedActions = outcome.baseline ? actions : actions.filter { !drifted.contains($0.model) }
            if !appliedActions.isEmpty {
                var event = base
                event.type = .applied
                event.actions = appliedActions.map(ReconcileEvent.Action.init)
                event.summary = "\(source.repository) applied \(commitText(base.commit)): \(counts(appliedActions))"
                events.append(event)
            }
            let drift = driftItems(report, models: drifted)
            if !drift.isEmpty && (!outcome.baseline || outcome.dryRun) {
                let corrected = Set(driftActions.map(\.model.description))
                let fixed = drift.filter { corrected.contains($0.model) && $0.action != nil }
                let standing = drift.filter { !corrected.contains($0.model) || $0.action == nil }
                if !driftActions.isEmpty {
                    var event = base
                    event.type = .driftCorrected
                    event.actions = driftActions.map(ReconcileEvent.Action.init)
                    event.drift = fixed
                    event.summary = "\(source.repository) corrected drift in \(modelList(corrected)): \(counts(driftActions))"
                    events.append(event)
                }
                if !standing.isEmpty {
                    var event = base
                    event.type = .driftDetected
                    event.drift = standing
                    let models = Set(standing.map(\.model))
                    event.summary = "\(source.repository) drift detected in \(modelList(models)) (\(standing.count) difference\(standing.count == 1 ? "" : "s") from git"
                        + (outcome.dryRun ? ", dry run: nothing changed)" : ", left as is)")
                    events.append(event)
                }
            }
        }
        for rollback in actions where rollback.outcome == .rolledBack {
            var event = base
            event.type = .rolledBack
            event.actions = [ReconcileEvent.Action(rollback)]
            event.summary = "\(rollback.model) #\(rollback.number.map(String.init) ?? "?") rolled back: \(rollback.error ?? "its smoke tests failed")"
            events.append(event)
        }
        if report.smokeSkipped {
            var event = base
            event.type = .smokeSkipped
            event.summary = "\(source.repository) applied \(commitText(base.commit)) with --skip-smoke: new versions were not smoke-tested"
            events.append(event)
        }
        for warning in report.warnings {
            var event = base
            event.type = .warning
            event.warning = ReconcileEvent.Warning(warning)
            event.summary = "\(warning.model): \(warning.kind.rawValue): \(warning.message)"
            events.append(event)
        }
        return events
    }

    /// The rail a check failure names, or `nil` for any other failure.
    public static func rail(of failure: ReconcileFailure) -> ReconcileEvent.Rail? {
        switch failure.cause {
        case let .refused(refusal):
            switch refusal {
            case .tooManyDeletes: .maxDeletes
            case .stale: .stale
            case .refMoved: .refMoved
            case .otherRepository: .otherRepository
            case .misstatedLatest: .latestVersion
            case .quarantined: .quarantine
            case .uncommitted: .uncommitted
            }
        case .latestMoved: .latestVersion
        case .signature: .signature
        case .listingMismatch: .listing
        case .git, .invalidDeclarations, .liveState, .applyFailed, .state: nil
        }
    }

    /// What the drifted models differ in: the changes that would put them back, and the differences the plan
    /// only warns about (immutable drift, a create held back, pruning refused).
    static func driftItems(_ report: ReconcileReport, models: Set<ModelID>) -> [ReconcileEvent.Drift] {
        guard let plan = report.plan, !models.isEmpty else { return [] }
        var items = plan.changes.filter { models.contains($0.model) }.map { change in
            ReconcileEvent.Drift(model: change.model.description, action: change.action, number: change.number, digest: change.digest.value, reason: change.reason)
        }
        let unreconciled = WarningKind.standingDifferences
        items += plan.warnings.filter { models.contains($0.model) && unreconciled.contains($0.kind) }.map { warning in
            ReconcileEvent.Drift(model: warning.model.description, action: nil, number: warning.number, digest: warning.containerImageDigest?.value, reason: warning.message)
        }
        return items
    }

    static func commitText(_ commit: ReconcileEvent.Commit?) -> String {
        guard let commit else { return "(no commit)" }
        guard let subject = commit.subject, !subject.isEmpty else { return commit.short }
        return "\(commit.short) \"\(subject)\""
    }

    /// `1 created, 1 deleted` (outcomes that happened, in a fixed order).
    static func counts(_ actions: [ActionResult]) -> String {
        let summary = ApplySummary(actions)
        // Smoke tests of versions created earlier are changes too: an apply of nothing else read "no changes".
        let tested = actions.count { $0.outcome == .tested }
        let parts = [("created", summary.created), ("configured", summary.configured), ("deleted", summary.deleted), ("tested", tested),
                     ("rolled back", summary.rolledBack), ("failed", summary.failed), ("skipped", summary.skipped)]
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return parts.isEmpty ? "no changes" : parts.joined(separator: ", ")
    }

    static func modelList(_ models: Set<String>) -> String {
        let sorted = models.sorted()
        return sorted.count > 5 ? sorted.prefix(5).joined(separator: ", ") + " and \(sorted.count - 5) more" : sorted.joined(separator: ", ")
    }
}
