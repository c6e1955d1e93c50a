import GitSource

extension ReconcilePipeline {
    /// **fetch**, for the working tree of a local repository: the snapshot of HEAD, marked so that the load
    /// stage reads the files from the working directory — committed, staged, modified and untracked alike,
    /// with the limits and refusals of a commit's tree — and never reuses a load. What `validate --worktree`
    /// and `plan --worktree` read, and what a pre-commit hook checks.
    ///
    /// Fails with `noWorkingTree` for a repository given by URL (it is read through a bare mirror) or a bare
    /// repository.
    public func fetchWorktree() async throws(ReconcileFailure) -> Snapshot {
        var snapshot = try await fetch()
        let repository = snapshot.repository
        guard snapshot.fetch.readInPlace else {
            throw ReconcileFailure(.fetch, .git(.noWorkingTree(repository: snapshot.spec.description)))
        }
        do {
            snapshot.worktree = try await onOwnThread { try repository.worktreeReader().workingDirectory }
        } catch {
            throw ReconcileFailure(.fetch, .git(Self.gitError(error)))
        }
        return snapshot
    }

    /// The files under the snapshot's directory whose working-tree content differs from its commit, for the
    /// warning that they are not read (`--worktree` reads them). Empty unless the snapshot is a commit of a
    /// local repository with a working tree whose HEAD is that commit; never fails (it only warns).
    public func uncommittedChanges(_ snapshot: Snapshot) async -> [WorktreeChange] {
        guard snapshot.worktree == nil, snapshot.fetch.readInPlace else { return [] }
        let repository = snapshot.repository
        let directory = snapshot.directory
        let commit = snapshot.commit
        return (try? await onOwnThread { () -> [WorktreeChange] in
            guard try repository.headCommit() == commit else { return [] }
            return try repository.worktreeChanges(under: directory) ?? []
        }) ?? []
    }
}
