import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// The bounds on one read of a directory: how many files, and how many bytes together. Both are checked
/// from the tree and the object headers before any content is inflated.
@Suite(.onOwnThreads) struct ReadLimitTests {
    func local(_ repository: TestRepository) throws -> LocalRepository {
        try SourceFixture().sync(repository.path).repository
    }

    @Test func moreFilesThanTheCapAreRefusedNamingTheDirectory() throws {
        let repository = try TestRepository()
        let head = try repository.importFiles(count: 30, path: { "models/many/f\($0).yaml" }, content: { "n: \($0)\n" })
        let repo = try local(repository)
        #expect(gitError { try repo.files(at: head, under: "models", maxFiles: 10) } == .tooManyFiles(path: "models", count: 11, limit: 10))
        #expect(try repo.files(at: head, under: "models", maxFiles: 32).count == 32, "30 files and the 2 of the initial commit")
        // Only the files `include` picks count.
        #expect(try repo.files(at: head, under: "models", maxFiles: 10, include: { !$0.contains("/many/") }).count == 2)
        #expect(GitSourceError.tooManyFiles(path: "models", count: 11, limit: 10).description
            == "models: holds more than 10 files to read (stopped counting at 11); remove some or raise --max-files.")
    }

    /// A "git bomb": trees naming one subtree ten times, seven deep — a few KB of objects, ten million paths. The
    /// files cap counts only the files the filter takes (none here: no YAML), so the walk went on for hours; every
    /// entry looked at now counts against a cap of its own.
    @Test(.timeLimit(.minutes(2)))
    func aTreeNamingOneSubtreeManyTimesIsCutShort() throws {
        let repository = try TestRepository(files: ["README.md": "x"])
        let old = try repository.head()
        func run(_ arguments: [String], _ input: String) throws -> String {
            try Shell.run(arguments, in: repository.path, environment: repository.environment, input: Data(input.utf8))
        }
        let blob = try repository.git("rev-parse", "HEAD:README.md")
        var tree = try run(["git", "mktree"], "100644 blob \(blob)\tREADME.md\n")
        for _ in 1...7 {
            tree = try run(["git", "mktree"], (0..<10).map { "040000 tree \(tree)\td\($0)\n" }.joined())
        }
        let root = try run(["git", "mktree"], "040000 tree \(tree)\tmodels\n")
        let bomb = try repository.git("commit-tree", root, "-p", old.hex, "-m", "ten million paths")
        try repository.git("update-ref", "refs/heads/main", bomb)
        let repo = try local(repository)
        // The walk's own cap, lowered so that the test costs little; the commands use TreeDiff's 2,000,000.
        let reader = try TreeReader(repository: GitRepository.open(repo.path), maxFileSize: 1 << 20, maxEntries: 20_000)
        let refused = gitError { _ = try reader.entries(commit: CommitID(hex: bomb)!, directory: "models", include: { $0.hasSuffix(".yaml") }) }
        #expect(refused == .tooManyFiles(path: "models", count: 20_001, limit: 20_000), "\(String(describing: refused))")
        #expect(try TreeReader(repository: GitRepository.open(repo.path), maxFileSize: 1).maxEntries == TreeDiff.maxEntries)
    }

    @Test func filesLargerTogetherThanTheCapAreRefused() throws {
        let repository = try TestRepository(files: ["models/a.yaml": String(repeating: "a", count: 600), "models/b.yaml": String(repeating: "b", count: 600)])
        let head = try repository.head()
        let repo = try local(repository)
        #expect(gitError { try repo.files(at: head, under: "models", maxTotalSize: 1000) } == .filesTooLarge(path: "models", size: 1200, limit: 1000))
        #expect(try repo.files(at: head, under: "models", maxTotalSize: 1200).count == 2)
        #expect(GitSourceError.filesTooLarge(path: "", size: 1200, limit: 1000).description
            == "the repository: the files to read total more than 1000 bytes (at least 1200); remove some or raise --max-total-size.")
    }
}
