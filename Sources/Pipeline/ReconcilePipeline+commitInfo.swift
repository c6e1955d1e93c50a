import GitSource

extension ReconcilePipeline {
    /// The author and subject of the snapshot's commit, for people reading what was applied; `nil` when they
    /// cannot be read, which never fails a reconcile.
    public func commitInfo(_ snapshot: Snapshot) async -> CommitInfo? {
        try? await onOwnThread { try snapshot.repository.commitInfo(snapshot.commit) }
    }
}
