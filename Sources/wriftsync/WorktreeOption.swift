import ArgumentParser
import Foundation
import GitSource
import Pipeline

/// `--worktree`, shared by `validate` and `plan`: read a local repository's working directory rather than
/// its commit.
struct WorktreeOption: ParsableArguments {
    @Flag(name: .long, help: "Read the declarations from the working directory of a local --repo (staged, unstaged and untracked files; ignored ones left out) instead of its commit. Without it, files under --path that differ from the commit are named in a warning and not read.")
    var worktree = false

    /// Refuses what cannot go with `--worktree`.
    func check(_ git: GitOptions) throws {
        guard worktree else { return }
        if git.ref != nil {
            throw ValidationError("--worktree reads the working tree, which is checked out at HEAD; leave out --ref.")
        }
    }

    /// The snapshot `validate` and `plan` read: the working tree with `--worktree` (with a signature policy the
    /// load verifies HEAD's signature first, as for any snapshot: the uncommitted files themselves carry none,
    /// and nothing read this way can be saved or applied); otherwise the commit, verified, after a warning on
    /// standard error naming the files under `--path` that differ from it.
    func snapshot(_ pipeline: ReconcilePipeline, path: String) async throws(ReconcileFailure) -> Snapshot {
        if worktree { return try await pipeline.fetchWorktree() }
        let snapshot = try await pipeline.verify(try await pipeline.fetch())
        let changes = await pipeline.uncommittedChanges(snapshot)
        if !changes.isEmpty {
            FileHandle.standardError.write(Data((Self.warning(changes, path: path, revision: snapshot.revision) + "\n").utf8))
        }
        return snapshot
    }

    /// `warning: 2 files under models differ from commit … and are not read: …; pass --worktree …`.
    static func warning(_ changes: [WorktreeChange], path: String, revision: String, limit: Int = 10) -> String {
        let count = changes.count
        var listed = changes.prefix(limit).map(\.description).joined(separator: ", ")
        if count > limit { listed += " and \(count - limit) more" }
        return "warning: \(count) file\(count == 1 ? "" : "s") under \(path) \(count == 1 ? "differs" : "differ") from commit \(revision) "
            + "and \(count == 1 ? "is" : "are") not read: \(listed). Pass --worktree to read the working tree, or commit first."
    }
}
