import Applier
import Declarations
import GitSource
import Planner
import WriftAIModels
import Synchronization
import WriftAI

/// One reconcile of `run`: the pipeline's stages in order, as `apply --auto-approve` runs them, limited to
/// the models whose declaration changed since the last applied commit unless the reconcile is full.
/// A dry run holds only the read-only client and reports the plan as drift.
public final class PipelineReconciler: Reconciling {
    /// The client: read-only in a dry run, so that nothing can write.
    public enum Access: Sendable {
        /// Reads only; plans are reported, never applied.
        case readOnly(ReadOnlyWriftAIClient)
        /// Reads and writes; plans are applied.
        case readWrite(WriftAIClient)

        var reader: ReadOnlyWriftAIClient {
            switch self {
            case let .readOnly(reader): reader
            case let .readWrite(client): client.readOnly
            }
        }
    }

    /// The pipeline run.
    public let pipeline: ReconcilePipeline
    /// How long one reconcile's API work may take in all (`--deadline`); `nil` bounds only each request.
    public let deadline: Duration?
    private let access: Access
    private let shouldContinue: @Sendable () -> Bool
    private let onAction: @Sendable (ActionResult) -> Void
    /// The declarations of the last commit reconciled without a failure: a new commit's scope is the models
    /// whose declaration differs from these.
    private let applied = Mutex<(commit: String, models: [ModelID: ModelDeclaration])?>(nil)

    /// Creates a reconciler.
    /// - Parameters:
    ///   - shouldContinue: Asked before each change; once false, no further change starts (a shutdown).
    ///   - onAction: Called as each change completes.
    public init(
        pipeline: ReconcilePipeline, access: Access, deadline: Duration? = nil, shouldContinue: @escaping @Sendable () -> Bool = { true },
        onAction: @escaping @Sendable (ActionResult) -> Void = { _ in }
    ) {
        self.pipeline = pipeline
        self.deadline = deadline
        self.access = access
        self.shouldContinue = shouldContinue
        self.onAction = onAction
    }

    /// Runs one reconcile; see ``Reconciling``. With a ``deadline``, every API request, retry and rate-limit
    /// wait of it stops there.
    public func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
        guard let deadline else { return await reconcileOnce(request) }
        return await WriftAIClient.withDeadline(deadline) { await reconcileOnce(request) }
    }

    private func reconcileOnce(_ request: ReconcileRequest) async -> ReconcileReport {
        let parsedBefore = pipeline.parsedFiles
        let snapshot: Snapshot
        do {
            snapshot = try await pipeline.fetch()
        } catch {
            return ReconcileReport(commit: nil, failure: error)
        }
        let commit = snapshot.commit.hex
        // An unchanged commit is compared before anything is read: an idle tick reads no file.
        if !request.full, commit == request.lastAppliedCommit || commit == request.stalledCommit {
            return ReconcileReport(commit: commit, upToDate: true)
        }
        var report = ReconcileReport(commit: commit)
        report.snapshot = snapshot
        report.commitDetails = await snapshot.commitDetails()
        let declarations: LoadedDeclarations
        do throws(ReconcileFailure) {
            // Every commit since the last applied one must be signed too (in all-since-last mode), so that an
            // unsigned commit cannot hide behind a signed merge.
            // After a restart, the last applied commit is the one recorded in the state directory.
            var since = request.lastAppliedCommit.flatMap { CommitID(hex: $0) }
            if since == nil, case .readWrite = access, pipeline.configuration.repository?.signatures?.mode == .allSinceLast,
               let store = pipeline.appliedCommits(for: snapshot) {
                do {
                    since = try store.lastApplied()
                } catch {
                    throw ReconcileFailure(.verify, .state(error))
                }
            }
            let verified = try await pipeline.verify(snapshot, since: since)
            declarations = try await pipeline.load(verified)
        } catch {
            report.failure = error
            report.parsedFiles = pipeline.parsedFiles - parsedBefore
            return report
        }
        report.parsedFiles = pipeline.parsedFiles - parsedBefore

        let previous: [ModelID: ModelDeclaration]? = applied.withLock { applied in
            guard let applied, applied.commit == request.lastAppliedCommit else { return nil }
            return applied.models
        }
        let changed = Set(declarations.models.filter { previous?[$0.model] != $0 }.map(\.model))
        // A new commit reconciles only what its declarations changed; a full reconcile, every model.
        var only: (@Sendable (ModelDeclaration) -> Bool)?
        if !request.full, previous != nil {
            only = { changed.contains($0.model) }
        }
        let planned: PlannedRevision
        do {
            planned = try await pipeline.makePlan(declarations, reader: access.reader, only: only)
        } catch {
            report.failure = error
            return report
        }
        let plan = planned.plan
        report.plan = plan
        report.planned = ChangeCounts(plan)
        report.warnings = plan.warnings
        report.plannedModels = plan.models.map(\.model)
        report.allModelsPlanned = only == nil
        report.observations = Self.observations(plan, declarations: declarations, live: planned.live)
        let differing = Self.differingModels(plan)
        report.changedModels = previous == nil ? [] : differing.filter(changed.contains).sorted()
        report.driftedModels = previous == nil ? differing.sorted() : differing.filter { !changed.contains($0) }.sorted()

        do {
            try pipeline.check(plan)
            try await pipeline.checkListings(plan, reader: access.reader)
            if case let .readWrite(client) = access, plan.summary.hasChanges {
                report.smokeSkipped = pipeline.skipsSmoke(plan)
                let result = try await pipeline.apply(plan, client: client, shouldContinue: shouldContinue, onResult: onAction)
                report.applyResult = result
                report.applied = result.actions.count { $0.outcome.isDone }
                report.observations = report.observations.applying(result.actions)
            }
        } catch {
            report.failure = error
            if case let .applyFailed(result) = error.cause {
                report.applyResult = result
                report.applied = result.actions.count { $0.outcome.isDone }
                report.observations = report.observations.applying(result.actions)
            }
            return report
        }
        if case .readWrite = access, let store = pipeline.appliedCommits(for: snapshot) {
            do {
                try store.record(snapshot.commit)
            } catch {
                report.failure = ReconcileFailure(.apply, .state(error))
                return report
            }
        }
        let models = Dictionary(declarations.models.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        applied.withLock { $0 = (commit, models) }
        return report
    }

    /// What the plan saw of each model it planned.
    static func observations(_ plan: Plan, declarations: LoadedDeclarations, live: [ModelID: LiveModel]) -> [ModelObservation] {
        let declared = Dictionary(declarations.models.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        return plan.models.compactMap { model in declared[model.model].map { ModelObservation($0, live: live[model.model]) } }
    }

    /// Models whose live state differs from their declarations: changes planned, or differences the plan
    /// reports instead of changing (immutable drift left as is, a create held back, pruning refused).
    static func differingModels(_ plan: Plan) -> Set<ModelID> {
        let unreconciled = WarningKind.standingDifferences
        return Set(plan.changes.map(\.model)).union(plan.warnings.filter { unreconciled.contains($0.kind) }.map(\.model))
    }
}
