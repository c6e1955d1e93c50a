import CLibGit2

/// A repository's objects seen through a database that checks every object's size from its header before
/// reading it (`wriftsync_bounded_odb` in the shim), for the libgit2 operations that read objects themselves:
/// the history walk of `all-since-last` reads each commit whole, parents included, before looking at its
/// type or size. Objects only: no refs, no config. Keep the repository it came from open while using it.
final class BoundedObjects {
    /// A repository holding the bounded database; hand it to libgit2 where it asks for a repository.
    let pointer: OpaquePointer
    private let backend: UnsafeMutablePointer<wriftsync_bounded_odb>

    /// Commits and tags are bounded as a signed commit is (8 MiB); anything else as a tree
    /// (``GitRepository/maxTreeObjectSize``): none of these operations reads a file's contents.
    init(of repository: GitRepository) throws {
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, repository.pointer))
        var wrapped: OpaquePointer?
        var backend: UnsafeMutablePointer<wriftsync_bounded_odb>?
        let code = wriftsync_bounded_repository(&wrapped, &backend, odb, SignedCommit.maxObjectSize, GitRepository.maxTreeObjectSize)
        guard code == 0, let wrapped, let backend else {
            git_odb_free(odb)
            throw LibGit2.lastError(function: "git_repository_wrap_odb", code: code)
        }
        self.pointer = wrapped
        self.backend = backend
    }

    deinit {
        git_repository_free(pointer)
    }

    /// The first object refused for its size, as the error to report, or nil if none was.
    var refusal: GitSourceError? {
        let odb = backend.pointee
        guard odb.refused != 0 else { return nil }
        let id = odb.refused_id
        let limit: Int
        let kind: String
        switch odb.refused_type {
        case GIT_OBJECT_COMMIT: (kind, limit) = ("commit", SignedCommit.maxObjectSize)
        case GIT_OBJECT_TAG: (kind, limit) = ("tag", SignedCommit.maxObjectSize)
        case GIT_OBJECT_TREE: (kind, limit) = ("tree", GitRepository.maxTreeObjectSize)
        default: (kind, limit) = ("object", GitRepository.maxTreeObjectSize)
        }
        return .objectTooLarge(what: "\(kind) \(id.hex)", size: odb.refused_size, limit: limit)
    }
}
