import CLibGit2
import Foundation

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

    /// Whether the object of commit `id` holds a NUL byte. libgit2 ends the bytes it says were signed at the
    /// first NUL after the signature header, where git does not: the same signature then verifies over a
    /// commit git itself calls unsigned (a fresh id for any signed commit, with anything after the NUL).
    func commitObjectHoldsNUL(_ id: CommitID) throws -> Bool {
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, id.hex))
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        try LibGit2.check("git_odb_read", git_odb_read(&object, odb, &oid))
        defer { git_odb_object_free(object) }
        guard let data = git_odb_object_data(object) else { return false }
        return memchr(data, 0, git_odb_object_size(object)) != nil
    }
}
