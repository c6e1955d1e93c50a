import Applier
import Logging
import Pipeline
import Planner

/// The log lines of the reconciler, in text or JSON alike: one per reconcile, one per change as it
/// completes, one per plan warning (at `warning` level, with the model and the kind), one per declaration
/// problem, and — in a dry run — one per change that would be made.
public enum ReconcileLog {
    /// Logs a finished reconcile. An up-to-date tick (no new commit) logs at `debug` only.
    public static func report(_ report: ReconcileReport, full: Bool, duration: Duration, next: Duration? = nil, to logger: Logger) {
        var metadata: Logger.Metadata = [
            "commit": "\(report.commit.map { String($0.prefix(12)) } ?? "-")",
            "full": .stringConvertible(full),
            "duration_s": .stringConvertible(Rounded(duration.seconds, places: 3)),
            "models": .stringConvertible(report.modelsReconciled),
            "parsed_files": .stringConvertible(report.parsedFiles),
            "applied": .stringConvertible(report.applied),
        ]
        if let planned = report.planned {
            metadata["create"] = .stringConvertible(planned.create)
            metadata["update"] = .stringConvertible(planned.update)
            metadata["delete"] = .stringConvertible(planned.delete)
            if planned.smokeTest > 0 { metadata["smoke_test"] = .stringConvertible(planned.smokeTest) }
        }
        if let next { metadata["next_in_s"] = .stringConvertible(Rounded(next.seconds, places: 1)) }
        if !report.changedModels.isEmpty { metadata["changed"] = "\(list(report.changedModels.map(\.description)))" }
        if !report.driftedModels.isEmpty { metadata["drifted"] = "\(list(report.driftedModels.map(\.description)))" }
        if !report.warnings.isEmpty { metadata["warnings"] = .stringConvertible(report.warnings.count) }

        for warning in report.warnings {
            logger.warning("\(warning.message)", metadata: warningMetadata(warning))
        }
        if let plan = report.plan, report.applyResult == nil, plan.summary.hasChanges, report.failure == nil {
            // Planned but not applied: a dry run. Say what a real run would do.
            for change in plan.changes {
                logger.info("drift: would \(change.action.rawValue)", metadata: [
                    "model": "\(change.model)", "number": change.number.map { .stringConvertible($0) } ?? "-",
                    "digest": "\(change.digest)", "reason": "\(change.reason)",
                ])
            }
        }
        guard let failure = report.failure else {
            if report.upToDate {
                logger.debug("up to date", metadata: metadata)
            } else {
                logger.info("reconcile succeeded", metadata: metadata)
            }
            return
        }
        for problem in failure.problems {
            logger.error("\(problem)", metadata: ["file": "\(problem.location.file)", "line": .stringConvertible(problem.location.line)])
        }
        metadata["error"] = "\(failure.description)"
        metadata["class"] = "\(failure.failureClass.rawValue)"
        metadata["stage"] = "\(failure.stage.rawValue)"
        logger.error("reconcile failed", metadata: metadata)
    }

    /// Logs one change as it completes: `info`, or `error` when it failed.
    public static func action(_ action: ActionResult, to logger: Logger) {
        var metadata: Logger.Metadata = [
            "model": "\(action.model)", "action": "\(action.action.rawValue)",
            "number": action.number.map { .stringConvertible($0) } ?? "-", "outcome": "\(action.outcome.rawValue)",
            "digest": "\(action.containerImageDigest)",
        ]
        if let error = action.error { metadata["error"] = "\(error)" }
        if let duplicateOf = action.duplicateOf { metadata["duplicate_of"] = .stringConvertible(duplicateOf) }
        if action.outcome == .failed {
            logger.error("action failed", metadata: metadata)
        } else {
            logger.info("action", metadata: metadata)
        }
    }

    /// Up to 20 names, then how many more: a first reconcile of thousands of models stays one readable line.
    private static func list(_ models: [String]) -> String {
        let shown = models.prefix(20).joined(separator: ",")
        return models.count > 20 ? shown + " and \(models.count - 20) more" : shown
    }

    private static func warningMetadata(_ warning: PlanWarning) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["model": "\(warning.model)", "kind": "\(warning.kind.rawValue)"]
        if let number = warning.number { metadata["number"] = .stringConvertible(number) }
        if let digest = warning.containerImageDigest { metadata["digest"] = "\(digest)" }
        if let place = warning.declaredAt { metadata["declared_at"] = "\(place)" }
        return metadata
    }
}

/// A number printed with at most `places` decimals, which JSON logs write as a number.
struct Rounded: CustomStringConvertible, Sendable {
    let value: Double

    init(_ value: Double, places: Int) {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        self.value = (value * scale).rounded() / scale
    }

    var description: String { "\(value)" }
}
