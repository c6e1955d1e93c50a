import Applier
import Foundation
import Pipeline
import Planner

extension ControllerStatus {
    /// Updates each model's conditions after a reconcile finished at `now`: the models planned are judged
    /// from their plan and what was applied; a failure marks the models it names failing (every known model
    /// for a failure of the whole reconcile); a success clears failing everywhere. A condition's `since`
    /// moves only when its status changes.
    mutating func updateConditions(_ report: ReconcileReport, waitingOnStalled: Bool, dryRun: Bool, now: Date) {
        if waitingOnStalled { return }
        // An idle tick changes nothing, unless it is the first success after a failure: no write per model.
        if report.upToDate, report.failure == nil, !models.values.contains(where: { $0.isTrue(.failing) }) { return }
        if let failure = report.failure {
            let named = failure.models(planned: report.plan)
            let failing = named.isEmpty ? Set(report.plannedModels.isEmpty ? Array(models.keys) : report.plannedModels.map(\.description)) : Set(named.map(\.description))
            for model in failing where models[model] != nil {
                set(.failing, true, of: model, reason: failure.failureClass.rawValue, message: "\(failure.stage.rawValue): \(failure.description)", now: now)
                set(.inSync, false, of: model, reason: "failing", message: failure.description, now: now)
            }
        } else {
            for model in models.keys { set(.failing, false, of: model, reason: "succeeded", now: now) }
        }
        guard let plan = report.plan else {
            if report.failure == nil {
                for model in models.keys where !(models[model]?.isTrue(.drifted) ?? false) && !(models[model]?.isTrue(.inSync) ?? false) {
                    set(.inSync, true, of: model, reason: "up_to_date", now: now)
                }
            }
            return
        }
        let failedModels = report.failure.map { Set($0.models(planned: plan)) } ?? []
        let wholeFailure = report.failure != nil && failedModels.isEmpty
        let drifted = Set(report.driftedModels)
        let unreconciled = WarningKind.standingDifferences
        for id in report.plannedModels where models[id.description] != nil {
            let model = id.description
            let changes = plan.changes.filter { $0.model == id }
            let actions = (report.applyResult?.actions ?? []).filter { $0.model == id }
            let applied = !changes.isEmpty && actions.count >= changes.count && actions.allSatisfy(\.outcome.isDone)
            let pending = !changes.isEmpty && !applied
            let warnings = report.warnings.filter { $0.model == id }
            let standing = warnings.filter { unreconciled.contains($0.kind) }
            let isDrifted = (drifted.contains(id) && pending) || !standing.isEmpty
            if isDrifted {
                let reasons = standing.map(\.message) + (pending && drifted.contains(id) ? changes.map(\.reason) : [])
                set(.drifted, true, of: model, reason: standing.first?.kind.rawValue ?? "changes_pending", message: reasons.first ?? "", now: now)
            } else {
                set(.drifted, false, of: model, reason: drifted.contains(id) ? "corrected" : "matches_git", now: now)
            }
            if warnings.isEmpty {
                set(.warning, false, of: model, reason: "none", now: now)
            } else {
                set(.warning, true, of: model, reason: Array(Set(warnings.map(\.kind.rawValue))).sorted().joined(separator: ","), message: warnings[0].message, now: now)
            }
            let failing = failedModels.contains(id) || wholeFailure
            if failing {
                continue
            } else if pending {
                set(.inSync, false, of: model, reason: dryRun ? "dry_run" : "changes_pending", message: "\(changes.count) change\(changes.count == 1 ? "" : "s") not applied", now: now)
            } else if isDrifted {
                set(.inSync, false, of: model, reason: "drifted", message: standing.first?.message ?? "", now: now)
            } else {
                set(.inSync, true, of: model, reason: applied ? "applied" : "up_to_date", now: now)
            }
        }
    }

    /// Sets one condition, moving `since` only when the status changes.
    private mutating func set(_ kind: ModelCondition.Kind, _ status: Bool, of model: String, reason: String, message: String = "", now: Date) {
        guard var state = models[model] else { return }
        if let index = state.conditions.firstIndex(where: { $0.type == kind }) {
            let since = state.conditions[index].status == status ? state.conditions[index].since : now
            state.conditions[index] = ModelCondition(type: kind, status: status, since: since, reason: reason, message: message)
        } else {
            state.conditions.append(ModelCondition(type: kind, status: status, since: now, reason: reason, message: message))
            let order = ModelCondition.Kind.allCases
            state.conditions.sort { order.firstIndex(of: $0.type)! < order.firstIndex(of: $1.type)! }
        }
        models[model] = state
    }
}

extension ControllerStatus.ModelStatus {
    /// Whether condition `kind` holds.
    func isTrue(_ kind: ModelCondition.Kind) -> Bool {
        conditions.first { $0.type == kind }?.status ?? false
    }
}
