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
    static func commits(after since: CommitID, upTo head: CommitID, in repository: GitRepository, limit: Int) throws(Failure) -> [CommitID] {
        // libgit2's walk reads every commit it meets whole, parents before their hide callback runs: only the
        // database under it can refuse one from its header.
        let objects: BoundedObjects
        do {
            objects = try BoundedObjects(of: repository)
        } catch {
            throw .git(error as? GitSourceError ?? .libgit2(function: "git_repository_wrap_odb", code: -1, message: "\(error)"))
        }
        // The bounded view reads through the repository's own database: keep the repository open until done.
        defer { withExtendedLifetime(repository) {} }
        do throws(Failure) {
            return try walk(after: since, upTo: head, in: objects, limit: limit)
        } catch {
            if case let .objectTooLarge(what, size, limit)? = objects.refusal {
                let parts = what.split(separator: " ", maxSplits: 1).map(String.init)
                throw .tooLarge(id: parts.last ?? what, kind: parts.first ?? "object", size: size, limit: limit)
            }
            throw error
        }
    }

    private static func walk(after since: CommitID, upTo head: CommitID, in objects: BoundedObjects, limit: Int) throws(Failure) -> [CommitID] {
        do {
            var walk: OpaquePointer?
            try LibGit2.check("git_revwalk_new", git_revwalk_new(&walk, objects.pointer))
            defer { git_revwalk_free(walk) }
            try LibGit2.check("git_revwalk_sorting", git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue))
            var headOID = git_oid(), sinceOID = git_oid()
            try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&headOID, head.hex))
            try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&sinceOID, since.hex))
            try LibGit2.check("git_revwalk_push", git_revwalk_push(walk, &headOID))
            let hidden = git_revwalk_hide(walk, &sinceOID)
            if hidden == GIT_ENOTFOUND.rawValue || hidden == GIT_EINVALIDSPEC.rawValue {
                git_error_clear()
                throw Failure.sinceMissing
            }
            try LibGit2.check("git_revwalk_hide", hidden)

            let budget = WalkBudget(steps: maxWalkSteps)
            try budget.limit(walk)

            var commits: [CommitID] = []
            var sawHead = false
            var oid = git_oid()
            while true {
                let code = withExtendedLifetime(budget) { git_revwalk_next(&oid, walk) }
                if code == GIT_ITEROVER.rawValue {
                    git_error_clear()
                    break
                }
                try LibGit2.check("git_revwalk_next", code)
                let id = CommitID(trusted: oid.hex)
                if id != head { commits.append(id) } else { sawHead = true }
                if commits.count > limit { throw Failure.tooMany }
            }
            if budget.steps < 0 { throw Failure.tooMany }
            if !sawHead { throw Failure.headBehind }
            return commits
        } catch let failure as Failure {
            throw failure
        } catch let error as GitSourceError {
            throw .git(error)
        } catch {
            throw .git(.libgit2(function: "git_revwalk", code: -1, message: "\(error)"))
        }
    }

    /// The commit in the history of `since` of which `head` is a copy: the same bytes signed (`signedData`) under
    /// a signature header written otherwise — the signature's Base64 folded differently, an armour header added,
    /// the block moved into the message. That is a fresh id for an old signed commit, which the range walk does not
    /// find in the history of `since`: pushed over newer commits it would undo them, signed as it is. A copy has
    /// its original's parents, so only the commits of `since` after those are looked at; `nil` when none matches.
    static func original(of head: CommitID, signedData: Data, since: CommitID, in repository: GitRepository) throws(Failure) -> CommitID? {
        let objects: BoundedObjects
        do {
            objects = try BoundedObjects(of: repository)
        } catch {
            throw .git(error as? GitSourceError ?? .libgit2(function: "git_repository_wrap_odb", code: -1, message: "\(error)"))
        }
        defer { withExtendedLifetime(repository) {} }
        do {
            let headCommit = try repository.lookUpBoundedCommit(head)
            defer { git_commit_free(headCommit) }
            guard let tree = git_commit_tree_id(headCommit)?.pointee else { return nil }
            let parents = (0..<git_commit_parentcount(headCommit)).compactMap { git_commit_parent_id(headCommit, $0)?.pointee }

            var walk: OpaquePointer?
            try LibGit2.check("git_revwalk_new", git_revwalk_new(&walk, objects.pointer))
            defer { git_revwalk_free(walk) }
            var sinceOID = git_oid()
            try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&sinceOID, since.hex))
            try LibGit2.check("git_revwalk_push", git_revwalk_push(walk, &sinceOID))
            for var parent in parents {
                try LibGit2.check("git_revwalk_hide", git_revwalk_hide(walk, &parent))
            }
            let budget = WalkBudget(steps: maxWalkSteps)
            try budget.limit(walk)
            var oid = git_oid()
            while true {
                let code = withExtendedLifetime(budget) { git_revwalk_next(&oid, walk) }
                if code == GIT_ITEROVER.rawValue {
                    git_error_clear()
                    break
                }
                try LibGit2.check("git_revwalk_next", code)
                var commit: OpaquePointer?
                try LibGit2.check("git_commit_lookup", git_commit_lookup(&commit, objects.pointer, &oid))
                defer { git_commit_free(commit) }
                guard var candidateTree = git_commit_tree_id(commit)?.pointee, git_oid_equal(&candidateTree, [tree]) == 1 else { continue }
                let candidate = CommitID(trusted: oid.hex)
                // A copy of `since` itself (re-signed) changes nothing that was applied: not a rewind.
                if candidate != head, candidate != since, try SignedCommit.read(candidate, in: repository).signedData == signedData { return candidate }
            }
            if budget.steps < 0 { throw Failure.tooMany }
            return nil
        } catch let failure as Failure {
            throw failure
        } catch let error as GitSourceError {
            if case let .objectTooLarge(what, size, limit)? = objects.refusal {
                let parts = what.split(separator: " ", maxSplits: 1).map(String.init)
                throw .tooLarge(id: parts.last ?? what, kind: parts.first ?? "object", size: size, limit: limit)
            }
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
