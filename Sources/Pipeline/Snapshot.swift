import Declarations
import GitSource
import Planner
import WriftAIModels

/// The repository at one commit: fetched, the ref resolved, nothing read from it yet. Comparing its commit
/// with the last one handled costs nothing, so a tick with no new commit stops here.
public struct Snapshot: Sendable {
    /// The repository.
    public let spec: RepositorySpec
    /// Its local mirror (or the repository itself, for a local path).
    public let repository: LocalRepository
    /// The ref and the commit it resolved to.
    public let resolved: ResolvedRef
    /// The directory of declarations.
    public let directory: String
    /// What the fetch did.
    public let fetch: FetchStats
    /// The commit's verified signature, once the verify stage accepted it; `nil` when nothing is verified.
    public internal(set) var signature: SignatureVerification?
    /// The working directory, when the files are read from the working tree of a local repository
    /// (uncommitted changes included) rather than from the commit; see `ReconcilePipeline.fetchWorktree()`.
    public internal(set) var worktree: String? = nil

    /// The commit (for a working tree, HEAD's).
    public var commit: CommitID { resolved.commit }

    /// `abc123def456 (refs/heads/main)`, or `the working tree of /repo (HEAD abc123def456, refs/heads/main)`.
    public var revision: String {
        guard let worktree else { return "\(resolved.commit.short) (\(resolved.name))" }
        return "the working tree of \(worktree) (HEAD \(resolved.commit.short), \(resolved.name))"
    }

    /// `at abc123def456 (refs/heads/main)`, or `in the working tree of …`: where the declarations were read.
    public var place: String { worktree == nil ? "at \(revision)" : "in \(revision)" }
}

/// The declarations at a snapshot's commit, valid.
public struct LoadedDeclarations: Sendable {
    /// Where they were read.
    public let snapshot: Snapshot
    /// Every declared model, sorted by name.
    public let models: [ModelDeclaration]
    /// Declaration files under the directory.
    public let fileCount: Int
    /// Declaration files parsed to load them (the others were unchanged since the previous load).
    public let parsedFiles: Int

    /// The number of declared versions.
    public var versionCount: Int { models.reduce(0) { $0 + $1.versions.count } }
}

/// A plan and what it was made from.
public struct PlannedRevision: Sendable {
    /// The declarations planned from.
    public let declarations: LoadedDeclarations
    /// The plan.
    public let plan: Plan
    /// The live state it was planned against, by model.
    public var live: [ModelID: LiveModel] = [:]
    /// Each changed model's latest version as the API said right after its listing, when the plan was made for
    /// an apply (``ReconcilePipeline/makePlan(_:reader:only:checkingLatest:)``): what
    /// ``ReconcilePipeline/checkListings(_:reader:asked:)`` would otherwise ask once every listing is in.
    public var latest: [ModelID: Model] = [:]
}
