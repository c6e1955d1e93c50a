import ServiceLifecycle
import Applier
import Declarations
import Foundation
import GitSource
import LiveState
import Logging
import Planner
import WriftAI

/// One reconcile as `apply --auto-approve` does it: fetch, plan (only the models whose declaration files
/// changed, unless full), check the rails, apply. A dry run holds only the read-only client.
public struct RepositoryReconciler: Reconciling {
    /// The client: read-only in a dry run, so that nothing can write.
    public enum Access: Sendable {
        /// Reads only; plans are reported as drift.
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

    let spec: RepositorySpec
    let source: GitSource
    let ref: String?
    let directory: String
    let maxFileSize: Int
    let maxFiles: Int
    let maxTotalSize: Int
    let access: Access
    let cache: VersionDetailsCache
    let rateLimit: Double
    let maxDeletes: Int
    let logger: Logger

    /// Creates a reconciler of the declarations under `directory` at `ref` of `spec`.
    public init(
        spec: RepositorySpec, source: GitSource, ref: String?, directory: String, maxFileSize: Int,
        maxFiles: Int = ReadLimits.defaultMaxFiles, maxTotalSize: Int = ReadLimits.defaultMaxTotalSize,
        access: Access, cache: VersionDetailsCache, rateLimit: Double, maxDeletes: Int, logger: Logger
    ) {
        self.spec = spec
        self.source = source
        self.ref = ref
        self.directory = directory
        self.maxFileSize = maxFileSize
        self.maxFiles = maxFiles
        self.maxTotalSize = maxTotalSize
        self.access = access
        self.cache = cache
        self.rateLimit = rateLimit
        self.maxDeletes = maxDeletes
        self.logger = logger
    }

    /// Runs one reconcile; see ``Reconciling``.
    public func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
        let (spec, gitSource, ref, directory, maxFileSize, maxFiles, maxTotalSize) = (spec, source, ref, directory, maxFileSize, maxFiles, maxTotalSize)
        let declarations: DeclarationSource
        do {
            // libgit2 blocks: keep it off the cooperative pool, which also serves the HTTP endpoints.
            declarations = try await onOwnThread {
                try DeclarationSource(
                    spec: spec, source: gitSource, ref: ref, directory: directory, maxFileSize: maxFileSize,
                    maxFiles: maxFiles, maxTotalSize: maxTotalSize
                )
            }
        } catch {
            return ReconcileReport(commit: nil, succeeded: false, error: "\(error)")
        }
        let commit = declarations.resolved.commit.hex
        var only: (@Sendable (ModelDeclaration) -> Bool)?
        if !request.full, let last = request.lastAppliedCommit {
            if last == commit {
                return ReconcileReport(commit: commit, succeeded: true, upToDate: true)
            }
            if let changed = changedDeclarationFiles(declarations, since: last) {
                only = { changed.contains($0.location.file) }
            }
        }
        let plan: Plan
        switch await ReconcilePlanning.plan(source: declarations, reader: access.reader, cache: cache, rateLimit: rateLimit, only: only) {
        case let .success(value):
            plan = value
        case let .failure(.invalid(errors, revision)):
            for diagnostic in errors.diagnostics { logger.error("\(diagnostic)") }
            return ReconcileReport(commit: commit, succeeded: false, error: "\(errors.diagnostics.count) problem(s) in the declarations at \(revision)")
        case let .failure(.liveState(message)):
            return ReconcileReport(commit: commit, succeeded: false, error: message)
        }
        let counts = ChangeCounts(create: plan.summary.create, update: plan.summary.updateConfiguration, delete: plan.summary.delete)
        var report = ReconcileReport(
            commit: commit, succeeded: true, planned: counts, modelsReconciled: plan.models.count,
            driftedModels: Array(Set(plan.changes.map(\.model))).sorted()
        )
        if let refusal = ApplyRails.check(plan, maxDeletes: maxDeletes) {
            report.succeeded = false
            report.error = refusal.description
            return report
        }
        guard case let .readWrite(client) = access, plan.summary.hasChanges else {
            for change in plan.changes {
                logger.info("drift: would \(change.action.rawValue)", metadata: [
                    "model": "\(change.model)", "number": "\(change.number.map(String.init) ?? "-")", "reason": "\(change.reason)",
                ])
            }
            return report
        }
        let logger = self.logger
        // On SIGTERM/SIGINT the change in flight finishes and no further one starts.
        let result = await Applier(client: client, shouldContinue: { !Task.isShuttingDownGracefully }).apply(plan) { action in
            var metadata: Logger.Metadata = [
                "model": "\(action.model)", "action": "\(action.action.rawValue)",
                "number": "\(action.number.map(String.init) ?? "-")", "outcome": "\(action.outcome.rawValue)",
            ]
            if let error = action.error { metadata["error"] = "\(error)" }
            if action.outcome == .failed {
                logger.error("action failed", metadata: metadata)
            } else {
                logger.info("action", metadata: metadata)
            }
        }
        report.applied = result.actions.filter(\.outcome.isDone).count
        if !result.succeeded {
            report.succeeded = false
            report.error = result.failures.first.map { "\($0.model): \($0.error ?? "failed")" } ?? "some changes were not applied"
        }
        return report
    }

    /// The declaration files changed between `last` and the new commit, or `nil` when every model must be
    /// reconciled: a file under the directory that is not a declaration (a schema, say) may feed any of them.
    private func changedDeclarationFiles(_ declarations: DeclarationSource, since last: String) -> Set<String>? {
        guard let old = CommitID(hex: last),
            let changes = try? declarations.repository.changes(from: old, to: declarations.resolved.commit, under: directory)
        else { return nil }
        let paths = changes.allPaths
        guard paths.allSatisfy({ DeclarationLoader.isDeclarationPath($0, under: directory) }) else { return nil }
        return Set(paths)
    }
}

/// Runs blocking work on a thread of its own and awaits it.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
