import GitSource

extension Snapshot {
    /// The commit's author, committer and subject, read from the repository on a thread of its own (one
    /// commit lookup). Only asked for when something is recorded or sent, never on an idle tick; `nil` when
    /// the commit cannot be read (a mirror removed meanwhile): an event goes out without them.
    public func commitDetails() async -> CommitDetails? {
        let repository = repository, commit = commit
        return try? await onOwnThread { try repository.details(of: commit) }
    }
}
