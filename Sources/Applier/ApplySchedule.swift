import Planner

/// The order a plan is applied in. Pure: no I/O, so the ordering rules are tested on values alone.
///
/// Per model: creates in the plan's order (declaration order), then configuration updates, then
/// deletes by ascending number. Creating first means the new latest version exists before any old one
/// goes, and a model that keeps at least one declared version never drops to zero versions mid-apply.
/// Models are independent of each other and are applied concurrently.
public struct ApplySchedule: Sendable, Equatable {
    /// One change and its position in the plan's `changes`, which results keep.
    public struct Step: Sendable, Equatable {
        /// The index of the change in `Plan.changes`.
        public var index: Int
        /// The change.
        public var change: PlannedChange
    }

    /// The changes of one model, in the order they run.
    public struct ModelSteps: Sendable, Equatable {
        /// `owner/name`.
        public var model: String
        /// Creates, then configuration updates, then deletes.
        public var steps: [Step]
        /// The plan's ``ModelPlan/liveHighestNumber`` for this model.
        public var liveHighestNumber: Int? = nil
        /// The plan's ``ModelPlan/listedAt`` for this model.
        public var listedAt: String? = nil
    }

    /// Every model with changes, in the order they first appear in the plan.
    public var models: [ModelSteps]

    /// Orders the changes of `plan`.
    public init(_ plan: Plan) {
        var order: [String] = []
        var byModel: [String: [Step]] = [:]
        let highest = Dictionary(plan.models.map { ($0.model, $0.liveHighestNumber) }, uniquingKeysWith: { first, _ in first })
        let listed = Dictionary(plan.models.map { ($0.model, $0.listedAt) }, uniquingKeysWith: { first, _ in first })
        for (index, change) in plan.changes.enumerated() {
            if byModel[change.model] == nil { order.append(change.model) }
            byModel[change.model, default: []].append(Step(index: index, change: change))
        }
        models = order.map { model in
            let steps = byModel[model] ?? []
            // Stable: creates keep their declaration order; deletes are sorted by number.
            // Versions created earlier whose smoke tests never finished are tested before anything else.
            let tests = steps.filter { $0.change.action == .smokeTest }
            let creates = steps.filter { $0.change.action == .create }
            let updates = steps.filter { $0.change.action == .updateConfiguration }
            let deletes = steps.filter { $0.change.action == .delete }
                .sorted { ($0.change.number ?? 0, $0.index) < ($1.change.number ?? 0, $1.index) }
            return ModelSteps(
                model: model, steps: tests + creates + updates + deletes, liveHighestNumber: highest[model] ?? nil,
                listedAt: listed[model] ?? nil
            )
        }
    }

    /// The number of changes scheduled.
    public var count: Int { models.reduce(0) { $0 + $1.steps.count } }
}
