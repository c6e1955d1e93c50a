/// The commit a plan was computed from.
public struct Revision: Codable, Sendable, Equatable {
    /// The repository URL or path, with any credentials already redacted by the caller.
    public var repository: String
    /// The ref that was resolved, such as `main` or `refs/tags/v1`.
    public var ref: String
    /// The full commit ID.
    public var commit: String
    /// `true` when the declarations were read from the working tree of a local repository (uncommitted
    /// changes on top of `commit`); absent otherwise.
    public var worktree: Bool?

    /// Creates a revision.
    public init(repository: String, ref: String, commit: String, worktree: Bool? = nil) {
        self.repository = repository
        self.ref = ref
        self.commit = commit
        self.worktree = worktree
    }
}
