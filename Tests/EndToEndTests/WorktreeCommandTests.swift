import Foundation
import GitSource
import Testing
import WriftAIEmulator
import WriftSyncTesting

/// `--worktree` (the working directory of a local repository read instead of its commit) and the warning about
/// uncommitted changes without it, end to end: `validate` and `plan` run as the built executable. The reader
/// itself is tested in GitSourceTests' `WorktreeTests`.
@Suite(.onOwnThreads) struct WorktreeCommandTests {
    static let yaml: String = ValidateCommandTests.declaration("acme/a")

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

    @Test func withASignaturePolicyHEADIsVerifiedBeforeTheWorkingTreeIsRead() throws {
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

            // That JSON is a plan's saved form, but of files no one reviewed as a commit: `apply --plan` refuses
            // it, with the repository named (whose HEAD is its commit, signed or not) or without.
            let planFile = cache.path + "/worktree-plan.json"
            try Data(json.stdout.utf8).write(to: URL(fileURLWithPath: planFile))
            try await PlanCommandTests.resetStats(emulator)
            for repositoryFlags in [["--repo", repository.path], []] {
                let arguments = ["apply", "--plan", planFile, "--auto-approve", "--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "200"]
                let applied = try await onOwnThread {
                    try SourceCommandTests.run(arguments + repositoryFlags, environment: ["WRIFTAI_ACCESS_TOKEN": PlanCommandTests.token, "NO_COLOR": "1"])
                }
                #expect(applied.status == 1, "\(applied.stdout)\(applied.stderr)")
                #expect(applied.stderr.contains("the plan was made from uncommitted files (plan --worktree) and cannot be applied as reviewed"),
                        "\(applied.stderr)")
            }
            #expect(ApplyCommandTests.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await ApplyCommandTests.liveDigests(storage, "alice/wt") == [repeatedDigest(1)])
        }
    }
}
