import Foundation
@testable import GitSource
import Testing
import WriftAIEmulator

/// `--worktree` (the working directory of a local repository read instead of its commit) and the warning
/// about uncommitted changes without it: the reader in GitSource, then `validate` and `plan` end to end.
@Suite struct WorktreeTests {
    static let yaml: String = ValidateCommandTests.declaration("acme/a")

    // MARK: - The reader

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

    // MARK: - validate and plan

    static func validate(_ repository: TestRepository, _ extra: [String] = []) throws -> SourceCommandTests.Run {
        let cache = try TemporaryDirectory("worktree")
        return try SourceCommandTests.run(["validate", "--repo", repository.path, "--path", "models", "--cache-dir", cache.path] + extra)
    }

    @Test func anUncommittedTypoIsReportedWithWorktreeAndNamedInAWarningWithout() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: acme/a\nprune: true\n" + Self.yaml.replacingOccurrences(of: "model: acme/a\n", with: "")])
        try repository.write("models/a.yaml", try String(contentsOfFile: repository.path + "/models/a.yaml", encoding: .utf8).replacingOccurrences(of: "prune:", with: "prnue:"))

        let committed = try Self.validate(repository)
        #expect(committed.status == 0, "\(committed.stderr)")
        #expect(committed.stdout.hasPrefix("valid: 1 model, 1 version in 1 file under models at \(try repository.head().short) (refs/heads/main)"))
        #expect(committed.stderr == "warning: 1 file under models differs from commit \(try repository.head().short) (refs/heads/main) and is not read: models/a.yaml (modified). Pass --worktree to read the working tree, or commit first.\n")

        let worktree = try Self.validate(repository, ["--worktree"])
        #expect(worktree.status == 1)
        #expect(worktree.stderr.contains("models/a.yaml:2:1: unknown key 'prnue' in a model declaration; did you mean 'prune'?"), "\(worktree.stderr)")
        #expect(worktree.stderr.contains("error: 1 problem in 1 file in the working tree of \(repository.path) (HEAD \(try repository.head().short), refs/heads/main)"))
    }

    @Test func untrackedDeclarationsAreValidatedAndSaidToComeFromTheWorkingTree() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml])
        try repository.write("models/team/b.yaml", ValidateCommandTests.declaration("acme/b"))
        let result = try Self.validate(repository, ["--worktree"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "valid: 2 models, 2 versions in 2 files under models in the working tree of \(repository.path) (HEAD \(try repository.head().short), refs/heads/main)\n")
        #expect(result.stderr.isEmpty, "no warning with --worktree")
    }

    @Test func aCleanWorkingTreeGivesNoWarning() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml, "README.md": "x\n"])
        try repository.write("README.md", "changed outside --path\n")
        let result = try Self.validate(repository)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func aWarningNamesTenFilesAndCountsTheRest() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml])
        for index in 0..<12 { try repository.write(String(format: "models/new-%02d.yaml", index), "model: acme/n\(index)\n") }
        let result = try Self.validate(repository)
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("warning: 12 files under models differ from commit \(try repository.head().short) (refs/heads/main) and are not read: models/new-00.yaml (untracked), "))
        #expect(result.stderr.contains("models/new-09.yaml (untracked) and 2 more. Pass --worktree to read the working tree, or commit first.\n"))
    }

    struct UsageCase: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test("--worktree refuses what cannot go with it, as a usage error", arguments: [
        UsageCase(arguments: ["validate", "--worktree", "--ref", "main"], message: "--worktree reads the working tree, which is checked out at HEAD; leave out --ref."),
        UsageCase(arguments: ["plan", "--worktree", "--out", "plan.json"], message: "--out saves a plan for `apply --plan`, and a plan of uncommitted files cannot be applied as reviewed"),
    ])
    func usage(_ usage: UsageCase) throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml])
        let result = try SourceCommandTests.run(usage.arguments + ["--repo", repository.path])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: " + usage.message), "\(result.stderr)")
    }

    @Test(.onOwnThreads) func withASignaturePolicyHEADIsVerifiedBeforeTheWorkingTreeIsRead() throws {
        let setup = try SignedPipelineTests.Setup()
        try setup.repository.write("models/a.yaml", "model: alice/a\nprnue: true\n")
        let flags = ["--repo", setup.repository.path, "--cache-dir", setup.cache.path, "--trusted-signers", setup.signers, "--worktree"]
        let unsigned = try SourceCommandTests.run(["validate"] + flags)
        #expect(unsigned.status == 1)
        #expect(unsigned.stderr.contains("refused: not signed"), "\(unsigned.stderr)")
        #expect(!unsigned.stderr.contains("prnue"), "nothing was read")

        try setup.repository.git("stash", "-q")
        try setup.repository.signedCommit("signed", ssh: setup.key)
        try setup.repository.git("stash", "pop", "-q")
        let signed = try SourceCommandTests.run(["validate"] + flags)
        #expect(signed.status == 1)
        #expect(signed.stderr.contains("unknown key 'prnue'"), "the working tree is read once HEAD is verified: \(signed.stderr)")
    }

    @Test func aRepositoryReadThroughAMirrorHasNoWorkingTree() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.yaml])
        let cache = try TemporaryDirectory("worktree")
        let result = try SourceCommandTests.run(["validate", "--repo", "file://" + repository.path, "--worktree", "--cache-dir", cache.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: file://\(repository.path) has no working tree to read (--worktree reads a local repository's working directory"))
    }

    @Test func planWithWorktreePlansAnUncommittedChangeAndSaysWhereItCameFrom() async throws {
        let committed = PlanCommandTests.declaration("alice/wt", versions: [(1, "First")])
        let repository = try TestRepository(files: ["models/wt.yaml": committed])
        try repository.write("models/wt.yaml", PlanCommandTests.declaration("alice/wt", versions: [(1, "First"), (2, "Second")]))
        let cache = try TemporaryDirectory("worktree")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: PlanCommandTests.configuration(models: ["alice/wt"]), storage: storage) { emulator in
            try await PlanCommandTests.seed(storage, "alice/wt", [(1, "First")])
            let head = try repository.head()

            let plain = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--detailed-exitcode"])
            #expect(plain.status == 0, "the commit has no changes: \(plain.stdout)\(plain.stderr)")
            #expect(plain.stdout.hasPrefix("No changes."))
            #expect(plain.stderr.contains("warning: 1 file under models differs from commit \(head.short) (refs/heads/main) and is not read: models/wt.yaml (modified)"))

            let worktree = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--worktree", "--detailed-exitcode"])
            #expect(worktree.status == 2, "\(worktree.stdout)\(worktree.stderr)")
            #expect(worktree.stdout.contains("  + create     new  020202020202  \"Second\"  (declared, not live)"))
            #expect(worktree.stdout.hasSuffix("From the working tree of \(repository.path) (uncommitted changes on top of commit \(head.hex), refs/heads/main).\n"))

            let json = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--worktree", "--format", "json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let revision = try #require(object["revision"] as? [String: Any])
            #expect(revision["worktree"] as? Bool == true)
            #expect(revision["commit"] as? String == head.hex)
        }
    }
}
