import Declarations
import GitSource
import Planner

extension ReconcilePipeline {
    /// The plan with what only the pipeline knows: whether it was read from a working tree, and the models
    /// the previous revision declared that this one does not (``unmanagedModels(_:)``).
    func annotated(_ plan: Plan, _ declarations: LoadedDeclarations) async -> Plan {
        annotated(plan, declarations, unmanaged: await unmanagedModels(declarations))
    }

    /// The plan annotated, with the unmanaged models already looked for.
    func annotated(_ plan: Plan, _ declarations: LoadedDeclarations, unmanaged: [UnmanagedModel]) -> Plan {
        var plan = plan
        if declarations.snapshot.worktree != nil { plan.revision.worktree = true }
        plan.unmanaged = unmanaged.isEmpty ? nil : unmanaged
        return plan
    }

    /// Models declared one step back and not any more, which WriftSync stops managing and leaves alone.
    ///
    /// One step back is the commit's first parent (the base branch, for the merge commit CI plans a pull
    /// request at) or, for a working tree, HEAD. Kept cheap: only the declaration files under the directory
    /// that the step deleted or changed are read there (a tree diff, or `git status`), within the read
    /// limits, and parsed for their `model:` names alone. Best effort: a plan never fails over it.
    public func unmanagedModels(_ declarations: LoadedDeclarations) async -> [UnmanagedModel] {
        let snapshot = declarations.snapshot
        let repository = snapshot.repository
        let directory = snapshot.directory
        let limits = configuration.limits
        let declared = Set(declarations.models.map(\.model.description))
        let found = try? await onOwnThread { () -> [UnmanagedModel] in
            let base: CommitID
            let paths: [String]
            if snapshot.worktree != nil {
                base = snapshot.commit
                paths = (try repository.worktreeChanges(under: directory) ?? [])
                    .filter { $0.kind == .modified || $0.kind == .deleted }
                    .map(\.path)
            } else {
                guard let parent = try repository.firstParent(of: snapshot.commit) else { return [] }
                base = parent
                let changes = try repository.changes(from: parent, to: snapshot.commit, under: directory)
                paths = changes.modified + changes.deleted
            }
            let candidates = paths.filter { DeclarationLoader.isDeclarationPath($0, under: directory) }.sorted().prefix(limits.maxFiles)
            guard !candidates.isEmpty else { return [] }
            let reader = try repository.reader(at: base)
            let loader = DeclarationLoader(limits: .init(totalSize: limits.maxTotalSize))
            var total = 0
            var result: [UnmanagedModel] = []
            var named: Set<String> = []
            for path in candidates {
                guard let file = try? reader.file(at: path, maxFileSize: limits.maxFileSize) else { continue }
                total += file.data.count
                guard total <= limits.maxTotalSize else { break }
                for model in loader.modelNames(path: path, bytes: Array(file.data)) where !declared.contains(model) && named.insert(model).inserted {
                    result.append(UnmanagedModel(model: model, declaredIn: path, lastDeclaredAt: base.hex))
                }
            }
            return result.sorted { $0.model < $1.model }
        }
        return found ?? []
    }
}
