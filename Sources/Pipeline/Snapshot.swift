import Declarations
import GitSource
import Planner

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

    /// The commit.
    public var commit: CommitID { resolved.commit }

    /// `abc123def456 (refs/heads/main)`.
    public var revision: String { "\(resolved.commit.short) (\(resolved.name))" }
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
    public var live: [String: LiveModel] = [:]
}
