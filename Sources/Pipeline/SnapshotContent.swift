import GitSource

/// What the load stage reads a snapshot's files through: a commit's tree (``CommitReader``), or the working
/// directory of a local repository (``WorktreeReader``). Both list files with content ids before reading
/// any, bound the count and sizes first, and refuse links and submodules, so the load is the same code.
public protocol SnapshotContent: AnyObject {
    /// Every file under `directory` that `include` accepts, with its content id and size.
    func entries(under directory: String, maxFileSize: Int, maxFiles: Int, maxTotalSize: Int, include: (String) -> Bool) throws -> [TreeEntry]
    /// The content of an entry listed by `entries`.
    func read(_ entry: TreeEntry) throws -> GitFile
    /// The file at `path`, from the repository root (a `schemas_file`), within `maxFileSize`.
    func file(at path: String, maxFileSize: Int) throws -> GitFile
    /// The content id of the file at `path`, or `nil` when there is no regular file there.
    func blobID(at path: String) throws -> BlobID?
}

extension CommitReader: SnapshotContent {}
extension WorktreeReader: SnapshotContent {}

extension Snapshot {
    /// A reader of this snapshot's files: the commit's tree, or the working tree when the snapshot is one.
    /// Not thread-safe (libgit2's rule): use it on the thread that made it.
    func content(maxFileSize: Int) throws -> any SnapshotContent {
        if worktree != nil { return try repository.worktreeReader(maxFileSize: maxFileSize) }
        return try repository.reader(at: commit)
    }

    /// Whether a load of this snapshot may be answered by a load of `other`: the same commit, both read
    /// from it. A working tree can change at any moment, so its loads are never reused.
    func readsSameContent(as other: Snapshot) -> Bool {
        worktree == nil && other.worktree == nil && commit == other.commit
    }
}
