import Planner
import WriftAIModels

extension ReconcileFailure {
    /// The models the failure concerns, by its type: the latest-version rule's, a stale plan's, the models
    /// whose deletes `--max-deletes` refused, those whose changes failed. Empty for a failure of the whole
    /// reconcile (the repository, the declarations, the API, the ref), which stops every model.
    public func models(planned plan: Plan?) -> [ModelID] {
        switch cause {
        case let .latestMoved(models): models
        case let .refused(.stale(stale)): stale.map(\.model)
        case .refused(.tooManyDeletes): Array(Set((plan?.changes ?? []).filter { $0.action == .delete }.map(\.model))).sorted()
        case let .applyFailed(result): Array(Set(result.failures.map(\.model))).sorted()
        case let .listingMismatch(mismatches): mismatches.map(\.model)
        case let .refused(.misstatedLatest(misstated)): misstated.map(\.model)
        case let .refused(.quarantined(creates)): Array(Set(creates.map(\.model))).sorted()
        case .refused(.refMoved), .refused(.otherRepository), .refused(.uncommitted), .git, .signature, .invalidDeclarations, .liveState, .state: []
        }
    }
}
