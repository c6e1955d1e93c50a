import Foundation
@testable import GitSource
import Testing
import WriftSyncTesting

/// The reader of a local repository's working directory (what `--worktree` reads instead of its commit) and
/// the uncommitted changes under a path (what the warning without it names). `validate` and `plan` with it are
/// tested end to end in `WorktreeCommandTests`.
@Suite(.onOwnThreads) struct WorktreeTests {
    static let yaml = """
        model: acme/a
        versions:
          - container_image_digest: "sha256:\(String(repeating: "c", count: 64))"
            release_notes: "First"
            schemas: {prediction: {input: {type: object}, output: {type: object}}}
        """

    @Test func unchangedFilesHaveTheirCommittedBlobIDsAndChangedAndUntrackedOnesAreRead() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml, "models/b.yaml": "model: acme/b\n", "README.md": "x\n"])
        try repository.write("models/b.yaml", "model: acme/b-edited\n")
        try repository.write("models/new/c.yaml", "model: acme/c\n")
        let local = LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path))
        let committed = try local.reader(at: try repository.head()).entries(under: "models")
        let reader = try local.worktreeReader()
        let entries = try reader.entries(under: "models")
        #expect(entries.map(\.path) == ["models/a.yaml", "models/b.yaml", "models/new/c.yaml"])
        #expect(entries[0].blob == committed[0].blob, "an unchanged file keeps its blob id: a cache reuses what it parsed")
        #expect(entries[1].blob != committed[1].blob)
        #expect(String(decoding: try reader.read(entries[1]).data, as: UTF8.self) == "model: acme/b-edited\n")
        #expect(try reader.file(at: "models/new/c.yaml").data == Data("model: acme/c\n".utf8))
        #expect(try reader.blobID(at: "models/a.yaml") == committed[0].blob)
        #expect(try reader.blobID(at: "models/missing.yaml") == nil)
    }

    @Test func ignoredUntrackedFilesAreLeftOutAndTrackedOnesStay() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml, "models/tracked.yaml": "model: acme/t\n", ".gitignore": "scratch/\n*.bak.yaml\n"])
        try repository.git("add", "-f", "models/tracked.yaml")
        try repository.write(".gitignore", "scratch/\n*.bak.yaml\ntracked.yaml\n")
        try repository.write("models/old.bak.yaml", "model: acme/backup\n")
        try repository.write("models/scratch/x.yaml", "model: acme/scratch\n")
        let reader = try LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path)).worktreeReader()
        #expect(try reader.entries(under: "models").map(\.path) == ["models/a.yaml", "models/tracked.yaml"])
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        let prepare: @Sendable (TestRepository) throws -> Void
        let expected: GitSourceError
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "a symbolic link", prepare: { try $0.symlink("models/passwd.yaml", to: "/etc/passwd") }, expected: .symlinkRefused(path: "models/passwd.yaml")),
        Refusal(name: "a linked directory", prepare: { try $0.symlink("models/etc", to: "/etc") }, expected: .symlinkRefused(path: "models/etc")),
        Refusal(name: "a FIFO, never opened", prepare: { repository in
            guard mkfifo(repository.path + "/models/pipe.yaml", 0o600) == 0 else { throw Shell.Failure(command: ["mkfifo"], status: errno, output: "") }
        }, expected: .notAFile(path: "models/pipe.yaml")),
        Refusal(name: "a nested repository", prepare: { repository in
            try repository.write("models/vendored/.git/HEAD", "ref: refs/heads/main\n")
            try repository.write("models/vendored/x.yaml", "model: acme/x\n")
        }, expected: .submoduleRefused(path: "models/vendored")),
        Refusal(name: "a file over the size cap, before it is read", prepare: { try $0.write("models/big.yaml", bytes: 2_000) }, expected: .fileTooLarge(path: "models/big.yaml", size: 2_000, limit: 1_000)),
        Refusal(name: "more files than the cap", prepare: { repository in
            for index in 0..<3 { try repository.write("models/many/\(index).yaml", "model: acme/m\(index)\n") }
        }, expected: .tooManyFiles(path: "models", count: 4, limit: 3)),
    ]

    @Test("the working tree is read with the refusals and bounds of a tree", arguments: refusals)
    func refusal(_ refusal: Refusal) throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: acme/a\n"])
        try refusal.prepare(repository)
        let reader = try LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path)).worktreeReader()
        #expect(throws: refusal.expected) {
            _ = try reader.entries(under: "models", maxFileSize: 1_000, maxFiles: 3, maxTotalSize: 1 << 20)
        }
    }

    @Test func aSchemasFileBehindALinkedDirectoryIsRefused() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: acme/a\n", "real/s.json": "{}"])
        try repository.symlink("schemas", to: "real")
        let reader = try LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path)).worktreeReader()
        #expect(throws: GitSourceError.symlinkRefused(path: "schemas")) { _ = try reader.file(at: "schemas/s.json") }
        #expect(throws: GitSourceError.worktreePathNotFound(path: "nowhere/s.json", workingDirectory: reader.workingDirectory)) {
            _ = try reader.file(at: "nowhere/s.json")
        }
    }

    @Test func gitStatusNamesWhatDiffersUnderThePathOnly() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: acme/a\n", "models/b.yaml": "model: acme/b\n", "models-old/c.yaml": "x\n", "README.md": "x\n"])
        try repository.write("models/a.yaml", "model: acme/a2\n")
        try FileManager.default.removeItem(atPath: repository.path + "/models/b.yaml")
        try repository.write("models/new.yaml", "model: acme/new\n")
        try repository.write("models/staged.yaml", "model: acme/staged\n")
        try repository.git("add", "models/staged.yaml")
        try repository.write("models-old/c.yaml", "changed\n")
        try repository.write("README.md", "changed\n")
        let local = LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path))
        let changes = try #require(try local.worktreeChanges(under: "models"))
        #expect(changes.map(\.description) == ["models/a.yaml (modified)", "models/b.yaml (deleted)", "models/new.yaml (untracked)", "models/staged.yaml (added)"])
    }
}
