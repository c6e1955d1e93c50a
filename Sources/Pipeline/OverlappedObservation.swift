import Declarations
import LiveState
import Planner
import Synchronization
import WriftAIModels

/// The live state of models read one by one as their declarations are parsed: each model's read starts
/// when ``start(_:)`` is first told of it, and ``results(_:)`` collects them (starting the ones not started).
/// Suspended models are never read. With a planner, each model is also planned as soon as its live state
/// is in, while the others are still being read; and with `checkLatest`, a model so planned with changes is
/// asked for its latest version right away, so that the apply's check of every listing needs no phase of its own.
final class OverlappedObservation: Sendable {
    /// A model's read: under way, or its outcome once it ended. An ended read's task is let go at once: a
    /// finished task keeps its frames' memory until it is released, and thousands of them waiting for
    /// ``results(_:)`` held most of a 5,000-model plan's peak.
    private enum Read {
        case running(Task<Void, Never>)
        case ended(Result<Observed, any Error>)
    }

    /// One model's live state, and its part of the plan when planned here.
    private struct Observed: Sendable {
        var live: LiveModel
        var outcome: ModelOutcome?
        /// The model's latest version, asked right after its listing (only a successful answer: a failed
        /// one is asked again by the check itself).
        var latest: Model?
    }

    private let reader: LiveStateReader
    private let planModel: (@Sendable (ModelDeclaration, LiveModel) -> ModelOutcome)?
    private let checkLatest: (@Sendable (ModelID) async -> Model?)?
    private let reads = Mutex<[ModelID: Read]>([:])

    init(
        _ reader: LiveStateReader, planModel: (@Sendable (ModelDeclaration, LiveModel) -> ModelOutcome)? = nil,
        checkLatest: (@Sendable (ModelID) async -> Model?)? = nil
    ) {
        self.reader = reader
        self.planModel = planModel
        self.checkLatest = checkLatest
    }

    /// Starts reading `declaration`'s model, unless it is suspended or already started.
    func start(_ declaration: ModelDeclaration) {
        guard !declaration.suspend else { return }
        reads.withLock { reads in
            guard reads[declaration.model] == nil else { return }
            let reader = reader
            let planModel = planModel
            let checkLatest = checkLatest
            let id = declaration.model
            reads[id] = .running(Task { [weak self] in
                let outcome: Result<Observed, any Error>
                do {
                    // What the declared images are expected to hold is worked out while the listing is out
                    // (off the thread that parses the declarations): the listing needs only the name.
                    let live = try await reader.readModel(id) {
                        LiveStateQuery(declarations: [declaration]).models.first?.details ?? [:]
                    }
                    var observed = Observed(live: live, outcome: planModel?(declaration, live))
                    if let checkLatest, observed.outcome?.hasChanges == true {
                        observed.latest = await checkLatest(id)
                    }
                    outcome = .success(observed)
                } catch {
                    outcome = .failure(error)
                }
                self?.reads.withLock { reads in
                    // Only this model's own read is replaced (not one cancelled and started anew).
                    if case .running = reads[id] { reads[id] = .ended(outcome) }
                }
            })
        }
    }

    /// Stops every read in flight: the declarations are not valid, so nothing will be planned.
    func cancelAll() {
        reads.withLock { reads in
            for case .running(let task) in reads.values { task.cancel() }
            reads = [:]
        }
    }

    /// The live state of `declarations`' models (suspended ones left out), and the parts of the plan made as
    /// they came in. Reads started for models not among them are cancelled. Throws the first failure in model
    /// order, cancelling the rest: a partial view of the live versions is how reconcilers delete what they
    /// should not.
    func results(_ declarations: [ModelDeclaration]) async throws(LiveStateError)
        -> (live: [ModelID: LiveModel], planned: [ModelID: ModelOutcome], latest: [ModelID: Model])
    {
        for declaration in declarations { start(declaration) }
        let wanted = Set(declarations.filter { !$0.suspend }.map(\.model))
        let started = reads.withLock { reads in
            for (model, read) in reads where !wanted.contains(model) {
                if case .running(let task) = read { task.cancel() }
            }
            return reads.keys.filter { wanted.contains($0) }.sorted()
        }
        var result: [ModelID: LiveModel] = [:]
        var planned: [ModelID: ModelOutcome] = [:]
        var latest: [ModelID: Model] = [:]
        result.reserveCapacity(started.count)
        for model in started {
            if case .running(let task)? = reads.withLock({ $0[model] }) {
                await task.value
            }
            do {
                guard case .ended(let outcome)? = reads.withLock({ $0[model] }) else {
                    throw LiveStateError.interrupted("the read of \(model) was stopped")
                }
                let observed = try outcome.get()
                result[model] = observed.live
                planned[model] = observed.outcome
                latest[model] = observed.latest
            } catch {
                cancelAll()
                if let error = error as? LiveStateError { throw error }
                throw .interrupted(String(describing: error))
            }
        }
        return (result, planned, latest)
    }
}
