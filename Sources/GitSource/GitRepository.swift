import CLibGit2
import Foundation

/// An open libgit2 repository. Not thread-safe (libgit2's rule): open one per thread and operation.
final class GitRepository {
    let pointer: OpaquePointer
    let path: String

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit {
        git_repository_free(pointer)
    }

    /// Opens the repository at exactly `path` (bare or not); never searches parent directories.
    static func open(_ path: String) throws -> GitRepository {
        LibGit2.ensureInitialised()
        var repository: OpaquePointer?
        try LibGit2.check("git_repository_open_ext", git_repository_open_ext(&repository, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil))
        return GitRepository(pointer: repository!, path: path)
    }

    /// Creates an empty bare repository.
    static func initBare(_ path: String) throws -> GitRepository {
        LibGit2.ensureInitialised()
        var repository: OpaquePointer?
        try LibGit2.check("git_repository_init", git_repository_init(&repository, path, 1))
        return GitRepository(pointer: repository!, path: path)
    }

    /// Full names of every ref matching a glob (`refs/heads/*`), sorted.
    func referenceNames(matching glob: String) throws -> [String] {
        var iterator: OpaquePointer?
        try LibGit2.check("git_reference_iterator_glob_new", git_reference_iterator_glob_new(&iterator, pointer, glob))
        defer { git_reference_iterator_free(iterator) }
        var names: [String] = []
        var name: UnsafePointer<CChar>?
        while git_reference_next_name(&name, iterator) == 0, let name {
            names.append(String(cString: name))
        }
        git_error_clear()
        return names.sorted()
    }

    /// The commit a ref (any full name, symbolic or not, tags peeled) points at, or nil if it does not exist.
    func commit(ofReference name: String) throws -> CommitID? {
        var reference: OpaquePointer?
        let code = git_reference_lookup(&reference, pointer, name)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            return nil
        }
        try LibGit2.check("git_reference_lookup", code)
        defer { git_reference_free(reference) }
        // Not `git_reference_peel`: it reads each object whole before looking at its type or size.
        var direct: OpaquePointer?
        let resolved = git_reference_resolve(&direct, reference)
        if resolved == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try LibGit2.check("git_reference_resolve", resolved)
        defer { git_reference_free(direct) }
        guard let target = git_reference_target(direct) else { return nil }
        return try peeledCommit(target.pointee)
    }

    /// The commit whose id starts with `prefix` (4 to 40 hex digits), or nil if there is none.
    func commit(withPrefix prefix: String) throws -> CommitID? {
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, prefix, prefix.utf8.count) == 0 else {
            git_error_clear()
            return nil
        }
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, pointer))
        defer { git_odb_free(odb) }
        // The full id from the object database, then the header: never the object itself before its size.
        var full = git_oid()
        let code = git_odb_exists_prefix(&full, odb, &oid, prefix.utf8.count)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            return nil
        }
        if code == GIT_EAMBIGUOUS.rawValue {
            throw LibGit2.lastError(function: "git_odb_exists_prefix", code: code)
        }
        try LibGit2.check("git_odb_exists_prefix", code)
        guard try boundedHeader(&full) == GIT_OBJECT_COMMIT else { return nil }
        return CommitID(trusted: full.hex)
    }

    /// The tree of a commit. The caller frees it with `git_tree_free`.
    func tree(of commit: CommitID) throws -> OpaquePointer {
        let commitObject = try lookUpBoundedCommit(commit)
        defer { git_commit_free(commitObject) }
        guard let treeID = git_commit_tree_id(commitObject) else {
            throw GitSourceError.libgit2(function: "git_commit_tree_id", code: -1, message: "commit \(commit.hex) has no tree")
        }
        return try lookUpBoundedTree(treeID)
    }
}
