import Declarations
import LiveState
import Planner
import WriftAI

/// Why no plan could be made.
public enum ReconcilePlanningFailure: Error, Sendable {
    /// The declarations have problems.
    case invalid(DeclarationErrors, revision: String)
    /// The live state could not be read.
    case liveState(String)
}

/// Declarations in, live state read, plan out: what `plan`, `apply` and `run` share.
public enum ReconcilePlanning {
    /// The plan for the declarations in `source`, limited to the models `only` accepts (all by default).
    public static func plan(
        source: DeclarationSource, reader: any WriftAIReading, cache: VersionDetailsCache, rateLimit: Double,
        only: (@Sendable (ModelDeclaration) -> Bool)? = nil
    ) async -> Result<Plan, ReconcilePlanningFailure> {
        var declarations: [ModelDeclaration]
        switch source.result {
        case let .success(models): declarations = models
        case let .failure(errors): return .failure(.invalid(errors, revision: source.revision))
        }
        if let only { declarations = declarations.filter(only) }
        let live: [String: LiveModel]
        do {
            live = try await LiveStateReader(client: reader, cache: cache).read(declarations)
        } catch {
            return .failure(.liveState(error.description))
        }
        let revision = Revision(repository: source.spec.description, ref: source.resolved.name, commit: source.resolved.commit.hex)
        return .success(Planner.plan(declarations: declarations, live: live, revision: revision, rateLimit: rateLimit))
    }
}
