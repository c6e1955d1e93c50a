import Foundation

/// Reads desired state from git: keeps a bare mirror of each repository in the cache directory, fetched
/// incrementally, and reads files straight from commits — never a work-tree checkout.
///
/// Every method blocks; call them from a thread that may block (or wrap them in a task).
public struct GitSource: Sendable {
    public let configuration: GitSourceConfiguration

    public init(configuration: GitSourceConfiguration) {
        self.configuration = configuration
    }

    /// The result of `sync`: the up-to-date local repository and what the fetch did.
    public struct SyncResult: Sendable {
        public let repository: LocalRepository
        public let stats: FetchStats
    }

    /// Brings the local mirror of `spec` up to date — cloning it on first use, fetching what is new after
    /// that, following force-pushes and pruning deleted refs — and returns it. A local path is read in
    /// place. Two processes sharing the cache wait for each other on a file lock.
    public func sync(_ spec: RepositorySpec) throws -> SyncResult {
        let started = ContinuousClock.now
        if spec.transport == .localPath { return try inPlace(spec) }
        let update = mirrorUpdate(spec, started: started)
        let timeout = configuration.fetchTimeout
        return synced(spec, try Deadline.run(timeout: timeout, onTimeout: .timeout(url: spec.url, seconds: timeout), update), started: started)
    }

    /// ``sync(_:)`` without blocking the caller's thread: the fetch runs on a thread of its own (libgit2
    /// blocks) and the caller is resumed when it ends or at the fetch timeout.
    public func sync(_ spec: RepositorySpec) async throws -> SyncResult {
        let started = ContinuousClock.now
        if spec.transport == .localPath { return try inPlace(spec) }
        let update = mirrorUpdate(spec, started: started)
        let timeout = configuration.fetchTimeout
        return synced(spec, try await Deadline.run(timeout: timeout, onTimeout: .timeout(url: spec.url, seconds: timeout), update), started: started)
    }

    private func inPlace(_ spec: RepositorySpec) throws -> SyncResult {
        do {
            _ = try GitRepository.open(spec.url)
        } catch {
            // A folder of a checkout (`--repo Examples/config-repo`): name the root and the --path to use.
            if let enclosing = EnclosingRepository.of(spec.url) {
                throw GitSourceError.insideRepository(path: spec.url, root: enclosing.root, directory: enclosing.prefix)
            }
            throw error
        }
        var stats = FetchStats()
        stats.readInPlace = true
        return SyncResult(repository: LocalRepository(path: spec.url, spec: spec), stats: stats)
    }

    private func mirrorUpdate(_ spec: RepositorySpec, started: ContinuousClock.Instant) -> @Sendable () throws -> FetchStats {
        let configuration = configuration
        return { try Mirror(spec: spec, configuration: configuration).update(deadline: started + .seconds(configuration.fetchTimeout)) }
    }

    private func synced(_ spec: RepositorySpec, _ stats: FetchStats, started: ContinuousClock.Instant) -> SyncResult {
        var stats = stats
        stats.seconds = (ContinuousClock.now - started).seconds
        return SyncResult(repository: LocalRepository(path: Mirror.directory(for: spec, in: configuration.cacheDirectory), spec: spec), stats: stats)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
