import Applier
import Declarations
import Foundation
import LiveState
import Logging
import Notifications
import Pipeline
import Planner
import Synchronization
import WriftAIModels
import WriftSyncTesting
/// A planned change of `model`.
func change(_ model: ModelID, _ action: ChangeAction, number: Int? = nil, seed: Int, reason: String = "declared in git") -> PlannedChange {
    plannedChange(model, action, digest: repeatedDigest(seed), number: number, reason: reason)
}

/// A plan of `changes` and `warnings` over `models` (by default the models of the changes and warnings).
func plan(_ changes: [PlannedChange], warnings: [PlanWarning] = [], models: [ModelID]? = nil, commit: String = String(repeating: "c", count: 40)) -> Plan {
    let names = models ?? Array(Set(changes.map(\.model) + warnings.map(\.model))).sorted()
    return Plan(
        revision: Revision(repository: "https://git.example.com/acme/models.git", ref: "refs/heads/main", commit: commit),
        summary: PlanSummary(
            create: changes.count { $0.action == .create }, updateConfiguration: changes.count { $0.action == .updateConfiguration },
            delete: changes.count { $0.action == .delete }, unchanged: 0, warnings: warnings.count,
            smokeTest: changes.count { $0.action == .smokeTest }
        ),
        changes: changes, warnings: warnings,
        models: names.map { ModelPlan(model: $0, latestAfterApply: nil, declaredLatest: nil, liveFingerprint: nil, suspended: false) },
        estimate: PlanEstimate(requests: changes.count, seconds: 0)
    )
}

/// The result of applying every change of `plan`, creates numbered from `firstNumber`; `failing` fails.
func result(of plan: Plan, firstNumber: Int = 1, failing: Set<Int> = []) -> ApplyResult {
    var next = firstNumber
    let actions = plan.changes.enumerated().map { index, change -> ActionResult in
        let failed = failing.contains(index)
        var number = change.number
        if change.action == .create, !failed {
            number = next
            next += 1
        }
        let outcome: ActionOutcome = failed ? .failed : (change.action == .create ? .created : change.action == .delete ? .deleted : .configured)
        return ActionResult(
            index: index, model: change.model, action: change.action, number: number, containerImageDigest: change.digest,
            releaseNotes: nil, outcome: outcome, error: failed ? "HTTP 500 from the API" : nil
        )
    }
    return ApplyResult(revision: plan.revision, actions: actions)
}

/// A report of a reconcile at `commit` that planned `plan` and applied `applied`.
func report(
    commit: String = String(repeating: "c", count: 40), plan: Plan? = nil, applied: ApplyResult? = nil, failure: ReconcileFailure? = nil,
    changed: [ModelID] = [], drifted: [ModelID] = [], upToDate: Bool = false
) -> ReconcileReport {
    ReconcileReport(
        commit: commit, failure: failure, planned: plan.map(ChangeCounts.init), plannedModels: plan?.models.map(\.model) ?? [],
        changedModels: changed, driftedModels: drifted, warnings: plan?.warnings ?? [],
        applied: applied?.actions.count { $0.outcome.isDone } ?? 0, upToDate: upToDate, plan: plan, applyResult: applied
    )
}

/// A transient failure saying `message`.
func transientFailure(_ message: String = "the API answered 503") -> ReconcileFailure {
    ReconcileFailure(.observe, .liveState(.interrupted(message)))
}

/// A stalled failure: an invalid declaration.
func stalledFailure(_ message: String = "'versions' must be a list") -> ReconcileFailure {
    ReconcileFailure(.load, .invalidDeclarations(
        DeclarationErrors([Diagnostic(SourceLocation(file: "models/a.yaml", line: 2, column: 11), message)]), revision: "c1"
    ))
}

let source = EventSource(repository: "https://git.example.com/acme/models.git", ref: "main", path: "models")

/// A quiet logger.
let quietLogger: Logger = {
    var logger = Logger(label: "notifications-tests")
    logger.logLevel = .critical
    return logger
}()

/// A sleeper that records each wait and returns at once: tests count retries instead of timing them.
final class CountingSleeper: Sendable {
    private let waits = Mutex<[Duration]>([])

    var recorded: [Duration] { waits.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { duration in self.waits.withLock { $0.append(duration) } }
    }
}
