import Declarations
import LiveState
import Synchronization
import WriftAIModels

/// The live state of models read one by one as their declarations are parsed: each model's read starts
/// when ``start(_:)`` is first told of it, and ``results(_:)`` collects them (starting the ones not started).
/// Suspended models are never read.
final class OverlappedObservation: Sendable {
    private let reader: LiveStateReader
    private let reads = Mutex<[ModelID: Task<LiveModel, any Error>]>([:])

    init(_ reader: LiveStateReader) {
        self.reader = reader
    }

    /// Starts reading `declaration`'s model, unless it is suspended or already started.
    func start(_ declaration: ModelDeclaration) {
        guard !declaration.suspend else { return }
        reads.withLock { reads in
            guard reads[declaration.model] == nil else { return }
            let reader = reader
            // The query is built in the task, off the thread that parses the declarations.
            reads[declaration.model] = Task {
                guard let model = LiveStateQuery(declarations: [declaration]).models.first else {
                    return LiveModel(model: declaration.model, versions: [])
                }
                return try await reader.readModel(model)
            }
        }
    }

    /// Stops every read in flight: the declarations are not valid, so nothing will be planned.
    func cancelAll() {
        reads.withLock { reads in
            for read in reads.values { read.cancel() }
            reads = [:]
        }
    }

    /// The live state of `declarations`' models (suspended ones left out). Reads started for models not among
    /// them are cancelled. Throws the first failure in model order, cancelling the rest: a partial view of the
    /// live versions is how reconcilers delete what they should not.
    func results(_ declarations: [ModelDeclaration]) async throws(LiveStateError) -> [ModelID: LiveModel] {
        for declaration in declarations { start(declaration) }
        let wanted = Set(declarations.filter { !$0.suspend }.map(\.model))
        let started = reads.withLock { reads in
            for (model, read) in reads where !wanted.contains(model) { read.cancel() }
            return reads.filter { wanted.contains($0.key) }.sorted { $0.key < $1.key }
        }
        var result: [ModelID: LiveModel] = [:]
        result.reserveCapacity(started.count)
        for (model, read) in started {
            do {
                result[model] = try await read.value
            } catch {
                cancelAll()
                if let error = error as? LiveStateError { throw error }
                throw .interrupted(String(describing: error))
            }
        }
        return result
    }
}
