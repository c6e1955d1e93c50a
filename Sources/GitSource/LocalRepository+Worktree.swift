import CLibGit2
import Foundation

/// A file whose working-tree content differs from HEAD's.
public struct WorktreeChange: Sendable, Hashable, CustomStringConvertible {
    /// How it differs.
    public enum Kind: String, Sendable, Hashable {
        /// New, and not in the index: `git add` has not seen it.
        case untracked
        /// New in the index.
        case added
        /// Changed, staged or not.
        case modified
        /// Removed, staged or not.
        case deleted
    }

    /// The path from the repository root.
    public let path: String
    /// How it differs.
    public let kind: Kind

    /// Creates a change.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// `models/a.yaml (modified)`.
    public var description: String { "\(path) (\(kind.rawValue))" }
}

extension LocalRepository {
    /// A reader of the working directory of this repository, for many reads on one thread. Refused for a
    /// bare repository (a mirror, a server's copy): it has no working tree.
    public func worktreeReader(maxFileSize: Int = 1 << 20) throws -> WorktreeReader {
        let repository = try GitRepository.open(path)
        guard let workdir = Self.workingDirectory(of: repository) else {
            throw GitSourceError.noWorkingTree(repository: spec.description)
        }
        return try WorktreeReader(repository: repository, workingDirectory: workdir, head: try Self.head(of: repository), maxFileSize: maxFileSize)
    }

    /// Whether this repository has a working tree (it is not bare).
    public func hasWorkingTree() throws -> Bool {
        Self.workingDirectory(of: try GitRepository.open(path)) != nil
    }

    /// The files under `directory` whose working-tree content differs from HEAD's — staged or not,
    /// untracked ones included, those git ignores left out — sorted by path; `nil` for a bare repository.
    /// The `git status` of `directory`.
    public func worktreeChanges(under directory: String) throws -> [WorktreeChange]? {
        let repository = try GitRepository.open(path)
        guard Self.workingDirectory(of: repository) != nil else { return nil }
        let directory = Self.normalise(directory)
        var options = git_status_options()
        try LibGit2.check("git_status_options_init", git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)))
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        // A literal directory prefix, not a glob, as in a tree diff: `models` must not match `models-old/`.
        options.flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue
        let pathspec = CStringArray(directory.isEmpty ? [] : [directory + "/"])
        options.pathspec = pathspec.strarray
        var list: OpaquePointer?
        try withExtendedLifetime(pathspec) {
            _ = try LibGit2.check("git_status_list_new", git_status_list_new(&list, repository.pointer, &options))
        }
        defer { git_status_list_free(list) }
        var changes: [WorktreeChange] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            let delta = entry.index_to_workdir ?? entry.head_to_index
            guard let file = delta?.pointee, let cPath = file.new_file.path ?? file.old_file.path else { continue }
            let path = String(cString: cPath)
            guard directory.isEmpty || path.hasPrefix(directory + "/") else { continue }
            let status = entry.status.rawValue
            let kind: WorktreeChange.Kind
            if status & GIT_STATUS_WT_NEW.rawValue != 0 && status & GIT_STATUS_INDEX_NEW.rawValue == 0 {
                kind = .untracked
            } else if status & (GIT_STATUS_WT_DELETED.rawValue | GIT_STATUS_INDEX_DELETED.rawValue) != 0 {
                kind = .deleted
            } else if status & GIT_STATUS_INDEX_NEW.rawValue != 0 {
                kind = .added
            } else {
                kind = .modified
            }
            changes.append(WorktreeChange(path: path, kind: kind))
        }
        return changes.sorted { $0.path < $1.path }
    }

    /// The first parent of `commit` (the mainline of a merge), or `nil` for a root commit.
    public func firstParent(of commit: CommitID) throws -> CommitID? {
        let repository = try GitRepository.open(path)
        let object = try repository.lookUpBoundedCommit(commit)
        defer { git_commit_free(object) }
        guard git_commit_parentcount(object) > 0, let parent = git_commit_parent_id(object, 0) else { return nil }
        return CommitID(trusted: parent.pointee.hex)
    }

    /// The commit HEAD points at, or `nil` on an unborn branch.
    public func headCommit() throws -> CommitID? {
        try Self.head(of: try GitRepository.open(path))
    }

    private static func head(of repository: GitRepository) throws -> CommitID? {
        var head: OpaquePointer?
        let code = git_repository_head(&head, repository.pointer)
        if code == GIT_EUNBORNBRANCH.rawValue || code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try LibGit2.check("git_repository_head", code)
        defer { git_reference_free(head) }
        return try repository.commit(ofReference: String(cString: git_reference_name(head)))
    }

    /// The working directory without its trailing `/`, or `nil` for a bare repository.
    private static func workingDirectory(of repository: GitRepository) -> String? {
        guard git_repository_is_bare(repository.pointer) == 0, let workdir = git_repository_workdir(repository.pointer) else { return nil }
        var path = String(cString: workdir)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
