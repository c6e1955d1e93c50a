import CLibGit2
import Foundation

/// The commits `all-since-last` must verify: those reachable from the head but not from the last
/// verified commit — every commit a merge brought in included — oldest first (parents before children).
enum CommitRange {
    /// libgit2 calls the walk's hide callback about twice per commit it looks at; past this many calls the
    /// walk is cut short and the range refused, so a history of millions of commits costs bounded time.
    static let maxWalkSteps = 500_000

    /// Why the range could not be listed.
    enum Failure: Error {
        case sinceMissing
        case tooMany
        /// `head` is in the history of `since`: the branch was moved back.
        case headBehind
        /// A commit or tag on the walk is larger than a signed commit may be: refused from its header, unread.
        case tooLarge(id: String, kind: String, size: Int, limit: Int)
        case git(GitSourceError)
    }

    /// The commits after `since` up to `head`, `head` itself excluded; more than `limit` throws `.tooMany`, and a
    /// `head` reachable from `since` (the walk never meets it) `.headBehind`.
    static func commits(after since: CommitID, upTo head: CommitID, in repository: GitRepository, limit: Int, steps: Int = maxWalkSteps) throws(Failure) -> [CommitID] {
        try withBoundedObjects(of: repository) { objects throws(Failure) in
            var commits: [CommitID] = []
            var sawHead = false
            try walk(objects, sorting: GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue, push: head, hide: [since], steps: steps) { oid in
                let id = CommitID(trusted: oid.hex)
                if id != head { commits.append(id) } else { sawHead = true }
                if commits.count > limit { throw Failure.tooMany }
                return true
            }
            if !sawHead { throw .headBehind }
            return commits
        }
    }

    /// The commit in the history of `since` of which `head` is a copy: the same bytes signed (`signedData`) under
    /// a signature header written otherwise — the signature's Base64 folded differently, an armour header added,
    /// the block moved into the message. That is a fresh id for an old signed commit, which the range walk does not
    /// find in the history of `since`: pushed over newer commits it would undo them, signed as it is. A copy has
    /// its original's parents, so only the commits of `since` after those are looked at; `nil` when none matches.
    /// A copy of `since` itself (re-signed) changes nothing that was applied, and is not one.
    static func original(of head: CommitID, signedData: Data, since: CommitID, in repository: GitRepository, steps: Int = maxWalkSteps) throws(Failure) -> CommitID? {
        let tree: git_oid
        let parents: [CommitID]
        do {
            let headCommit = try repository.lookUpBoundedCommit(head)
            defer { git_commit_free(headCommit) }
            guard let treeID = git_commit_tree_id(headCommit)?.pointee else { return nil }
            tree = treeID
            parents = (0..<git_commit_parentcount(headCommit)).compactMap { git_commit_parent_id(headCommit, $0).map { CommitID(trusted: $0.pointee.hex) } }
        } catch {
            throw .git(error as? GitSourceError ?? .libgit2(function: "git_commit_lookup", code: -1, message: "\(error)"))
        }
        return try withBoundedObjects(of: repository) { objects throws(Failure) in
            var original: CommitID?
            try walk(objects, sorting: GIT_SORT_NONE.rawValue, push: since, hide: parents, steps: steps) { oid in
                var commit: OpaquePointer?
                try LibGit2.check("git_commit_lookup", git_commit_lookup(&commit, objects.pointer, &oid))
                defer { git_commit_free(commit) }
                guard var candidateTree = git_commit_tree_id(commit)?.pointee, git_oid_equal(&candidateTree, [tree]) == 1 else { return true }
                let candidate = CommitID(trusted: oid.hex)
                if candidate != head, candidate != since, try SignedCommit.read(candidate, in: repository).signedData == signedData {
                    original = candidate
                    return false
                }
                return true
            }
            return original
        }
    }

    /// Runs `body` over a view of `repository`'s objects that refuses an oversized one from its header (libgit2's
    /// walk reads every commit it meets whole, parents before their hide callback runs: only the database under
    /// it can); such a refusal becomes `.tooLarge`, naming the object.
    private static func withBoundedObjects<T>(of repository: GitRepository, _ body: (BoundedObjects) throws(Failure) -> T) throws(Failure) -> T {
        let objects: BoundedObjects
        do {
            objects = try BoundedObjects(of: repository)
        } catch {
            throw .git(error as? GitSourceError ?? .libgit2(function: "git_repository_wrap_odb", code: -1, message: "\(error)"))
        }
        // The bounded view reads through the repository's own database: keep the repository open until done.
        defer { withExtendedLifetime(repository) {} }
        do throws(Failure) {
            return try body(objects)
        } catch {
            if case let .objectTooLarge(what, size, limit)? = objects.refusal {
                let parts = what.split(separator: " ", maxSplits: 1).map(String.init)
                throw .tooLarge(id: parts.last ?? what, kind: parts.first ?? "object", size: size, limit: limit)
            }
            throw error
        }
    }

    /// Walks `objects` from `push`, hiding `hide` (the first of them missing is `.sinceMissing`), giving `visit`
    /// each commit until it returns false. A walk longer than `steps` is cut short and throws `.tooMany`.
    private static func walk(
        _ objects: BoundedObjects, sorting: UInt32, push: CommitID, hide: some Sequence<CommitID>, steps: Int,
        _ visit: (inout git_oid) throws -> Bool
    ) throws(Failure) {
        do {
            var walk: OpaquePointer?
            try LibGit2.check("git_revwalk_new", git_revwalk_new(&walk, objects.pointer))
            defer { git_revwalk_free(walk) }
            try LibGit2.check("git_revwalk_sorting", git_revwalk_sorting(walk, sorting))
            var pushed = git_oid()
            try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&pushed, push.hex))
            try LibGit2.check("git_revwalk_push", git_revwalk_push(walk, &pushed))
            for id in hide {
                var hidden = git_oid()
                try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&hidden, id.hex))
                let code = git_revwalk_hide(walk, &hidden)
                if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue {
                    git_error_clear()
                    throw Failure.sinceMissing
                }
                try LibGit2.check("git_revwalk_hide", code)
            }
            let budget = WalkBudget(steps: steps)
            try budget.limit(walk)
            var oid = git_oid()
            while true {
                let code = withExtendedLifetime(budget) { git_revwalk_next(&oid, walk) }
                if code == GIT_ITEROVER.rawValue {
                    git_error_clear()
                    break
                }
                try LibGit2.check("git_revwalk_next", code)
                guard try visit(&oid) else { return }
            }
            if budget.steps < 0 { throw Failure.tooMany }
        } catch let failure as Failure {
            throw failure
        } catch let error as GitSourceError {
            throw .git(error)
        } catch {
            throw .git(.libgit2(function: "git_revwalk", code: -1, message: "\(error)"))
        }
    }

    /// The walk's remaining steps, shared with libgit2's callback.
    private final class WalkBudget {
        var steps: Int
        init(steps: Int) { self.steps = steps }

        /// Counts `walk`'s steps through its hide callback; keep this budget alive while the walk runs.
        func limit(_ walk: OpaquePointer?) throws {
            let payload = Unmanaged.passUnretained(self).toOpaque()
            try LibGit2.check("git_revwalk_add_hide_cb", git_revwalk_add_hide_cb(walk, { _, payload in
                let budget = Unmanaged<WalkBudget>.fromOpaque(payload!).takeUnretainedValue()
                budget.steps -= 1
                // Hiding everything from here on ends the walk; it is then refused, never used.
                return budget.steps < 0 ? 1 : 0
            }, payload))
        }
    }
}
