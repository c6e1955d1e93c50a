import CLibGit2
import Foundation

/// Which paths changed between two commits, limited to one directory.
enum TreeDiff {
    static func changes(in repository: GitRepository, from old: CommitID, to new: CommitID, directory: String) throws -> TreeChanges {
        let oldTree = try repository.tree(of: old)
        defer { git_tree_free(oldTree) }
        let newTree = try repository.tree(of: new)
        defer { git_tree_free(newTree) }

        var options = git_diff_options()
        try LibGit2.check("git_diff_options_init", git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)))
        // A literal directory prefix, not a glob: `models` must not match `models-old/`.
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        let pathspec = CStringArray(directory.isEmpty ? [] : [directory + "/"])
        options.pathspec = pathspec.strarray

        var diff: OpaquePointer?
        try withExtendedLifetime(pathspec) {
            _ = try LibGit2.check("git_diff_tree_to_tree", git_diff_tree_to_tree(&diff, repository.pointer, oldTree, newTree, &options))
        }
        defer { git_diff_free(diff) }

        var changes = TreeChanges()
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let oldPath = delta.old_file.path.map { String(cString: $0) } ?? ""
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? oldPath
            switch delta.status {
            case GIT_DELTA_ADDED:
                changes.added.append(newPath)
            case GIT_DELTA_DELETED:
                changes.deleted.append(oldPath)
            case GIT_DELTA_RENAMED:
                changes.deleted.append(oldPath)
                changes.added.append(newPath)
            default:
                changes.modified.append(newPath)
            }
        }
        return changes
    }
}
