import CLibGit2

extension GitRepository {
    /// Looks up commit `id` after checking from its object header that it is a commit no larger than a signed
    /// commit may be (8 MiB), so that a hostile object is refused before libgit2 parses it. The caller frees
    /// the commit (`git_commit_free`).
    func lookUpBoundedCommit(_ id: CommitID) throws -> OpaquePointer? {
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, id.hex))
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_INVALID
        try LibGit2.check("git_odb_read_header", git_odb_read_header(&size, &type, odb, &oid))
        guard type == GIT_OBJECT_COMMIT else {
            throw GitSourceError.libgit2(function: "git_odb_read_header", code: -1, message: "\(id.hex) is not a commit")
        }
        guard size <= SignedCommit.maxObjectSize else {
            throw GitSourceError.fileTooLarge(path: "commit \(id.hex)", size: size, limit: SignedCommit.maxObjectSize)
        }
        var commit: OpaquePointer?
        try LibGit2.check("git_commit_lookup", git_commit_lookup(&commit, pointer, &oid))
        return commit
    }
}
