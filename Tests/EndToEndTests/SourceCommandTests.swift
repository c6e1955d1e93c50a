import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// `wriftsync source`, run as a user runs it: the built executable, in its own process.
@Suite(.onOwnThreads) struct SourceCommandTests {
    typealias Run = ProcessOutput

    static var executable: String { BuildProducts.wriftsync }

    /// Runs `executable` (by default `wriftsync`) with `arguments` to its end; `environment` entries are added
    /// to the test's own.
    static func run(_ arguments: [String], environment extra: [String: String] = [:], executable: String = Self.executable) throws -> Run {
        try Launcher.run(executable, arguments, environment: extra)
    }

    @Test func printsTheCommitAndTheFilesOverGitDaemon() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let cache = try TemporaryDirectory("cli")
        let result = try Self.run(["source", "--repo", daemon.url, "--ref", "main", "--path", "models", "--cache-dir", cache.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("commit      \(try repository.head().hex)"))
        #expect(result.stdout.contains("models/a.yaml"))
        #expect(result.stdout.contains("models/b.yaml"))
        #expect(!result.stdout.contains("README.md"))
        #expect(result.stdout.contains("cloned"))
        let again = try Self.run(["source", "--repo", daemon.url, "--cache-dir", cache.path])
        #expect(again.stdout.contains("up to date"))
    }

    /// The pack's object count is checked from its header, before anything else is read (libgit2's indexer
    /// keeps about 100 bytes per object: a pack of tiny objects under --max-fetch-size could take gigabytes).
    /// Process-wide in libgit2, so tested through the executable, one process per value.
    @Test func aPackOfMoreObjectsThanTheCapIsRefused() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let objects = try repository.git("rev-list", "--objects", "--all").split(separator: "\n").count
        let cache = try TemporaryDirectory("cli")
        let refused = try Self.run(["source", "--repo", daemon.url, "--cache-dir", cache.path, "--max-fetch-objects", String(objects - 1)])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: fetching \(daemon.url) was refused: the server sends more than \(objects - 1) objects (--max-fetch-objects). If the repository is that large, raise --max-fetch-objects.\n")
        let fetched = try Self.run(["source", "--repo", daemon.url, "--cache-dir", cache.path, "--max-fetch-objects", String(objects)])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("cloned"))
    }

    @Test func printsJSONForScripts() throws {
        let repository = try TestRepository()
        let cache = try TemporaryDirectory("cli")
        let result = try Self.run(["source", "--repo", repository.path, "--json", "--cache-dir", cache.path])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["commit"] as? String == (try repository.head().hex))
        #expect(object["ref"] as? String == "refs/heads/main")
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["path"] as? String } == ["models/a.yaml", "models/b.yaml"])
    }

    @Test func anUnknownRefExitsNonZeroWithAnErrorNamingIt() throws {
        let repository = try TestRepository()
        let cache = try TemporaryDirectory("cli")
        let result = try Self.run(["source", "--repo", "file://" + repository.path, "--ref", "nope", "--cache-dir", cache.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: ref 'nope' not found in file://"))
    }

    @Test func passwordsComeFromTheEnvironmentAndNeverReachTheOutput() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "cli-right-pw"))
        let cache = try TemporaryDirectory("cli")
        let good = try Self.run(["source", "--repo", server.url, "--git-username", "alice", "--git-password-env", "CLI_TEST_PW", "--cache-dir", cache.path],
                                environment: ["CLI_TEST_PW": "cli-right-pw"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(!(good.stdout + good.stderr).contains("cli-right-pw"))
        let bad = try Self.run(["source", "--repo", server.url, "--git-username", "alice", "--git-password-env", "CLI_TEST_PW", "--cache-dir", cache.path],
                               environment: ["CLI_TEST_PW": "cli-wrong-pw"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("authentication failed"))
        #expect(!(bad.stdout + bad.stderr).contains("cli-wrong-pw"))
        let unset = try Self.run(["source", "--repo", server.url, "--git-password-env", "CLI_TEST_UNSET", "--cache-dir", cache.path])
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("environment variable CLI_TEST_UNSET"))
    }

    @Test func twoProcessesSharingACacheBothSucceed() async throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let cache = try TemporaryDirectory("cli")
        let url = daemon.url, path = cache.path
        let results = try await withThrowingTaskGroup(of: Run.self) { group in
            for _ in 0..<2 {
                group.addTask { try Self.run(["source", "--repo", url, "--json", "--cache-dir", path]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let head = try repository.head().hex
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains(head))
        }
    }
}
