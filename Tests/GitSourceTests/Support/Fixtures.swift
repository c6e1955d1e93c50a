import Foundation
@testable import GitSource
import WriftSyncTesting

/// A GitSource on a fresh cache directory.
struct SourceFixture {
    let cache: TemporaryDirectory
    var configuration: GitSourceConfiguration

    init(timeout: Double = 30, _ configure: (inout GitSourceConfiguration) -> Void = { _ in }) throws {
        cache = try TemporaryDirectory("cache")
        configuration = GitSourceConfiguration(cacheDirectory: cache.path)
        configuration.fetchTimeout = timeout
        configure(&configuration)
    }

    var source: GitSource { GitSource(configuration: configuration) }

    func sync(_ url: String) throws -> GitSource.SyncResult {
        try source.sync(RepositorySpec(url))
    }

    /// Syncs, resolves `ref` and reads `directory`: what `wriftsync source` does.
    func snapshot(_ url: String, ref: String? = "main", directory: String = "models") throws -> (commit: CommitID, files: [GitFile], stats: FetchStats) {
        let synced = try sync(url)
        let resolved = try synced.repository.resolve(ref)
        let files = try synced.repository.files(at: resolved.commit, under: directory)
        return (resolved.commit, files, synced.stats)
    }
}

/// The error a throwing expression produced, as a GitSourceError.
func gitError(_ body: () throws -> some Any) -> GitSourceError? {
    do {
        _ = try body()
        return nil
    } catch let error as GitSourceError {
        return error
    } catch {
        return .libgit2(function: "unexpected", code: 0, message: "\(error)")
    }
}
