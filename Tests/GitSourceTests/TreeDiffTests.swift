import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// The tree diff behind a plan's "no longer declared" notes: the paths git's own diff lists, and bounded
/// against hostile trees (oversized, deeply nested, huge change sets).
@Suite(.onOwnThreads) struct TreeDiffTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let directory: String
        let change: @Sendable (TestRepository) throws -> Void
        var testDescription: String { name }
    }

    static let files = [
        "models/a.yaml": "a", "models/b.yaml": "b", "models/team/c.yaml": "c", "models/team/deep/d.yaml": "d",
        "models-old/x.yaml": "x", "cfg": "a file", "README.md": "r",
    ]

    static let cases: [Case] = [
        Case(name: "added, modified and deleted, a look-alike directory beside", directory: "models") { repository in
            try repository.write("models/a.yaml", "a2")
            try repository.remove("models/b.yaml")
            try repository.write("models/team/new.yaml", "n")
            try repository.write("models-old/x.yaml", "x2")
        },
        Case(name: "a file becomes a directory", directory: "models") { repository in
            try repository.remove("models/a.yaml")
            try repository.write("models/a.yaml/inner.yaml", "i")
        },
        Case(name: "a file becomes a link", directory: "models") { repository in
            try FileManager.default.removeItem(atPath: repository.path + "/models/a.yaml")
            try repository.symlink("models/a.yaml", to: "b.yaml")
        },
        Case(name: "a file's mode alone changes", directory: "models") { repository in
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repository.path + "/models/a.yaml")
        },
        Case(name: "a directory is deleted whole", directory: "models") { repository in
            try repository.git("rm", "-q", "-r", "models/team")
        },
        Case(name: "the directory appears", directory: "fresh/models") { repository in
            try repository.write("fresh/models/one.yaml", "1")
            try repository.write("fresh/models/sub/two.yaml", "2")
        },
        Case(name: "the directory was a file", directory: "cfg") { repository in
            try repository.remove("cfg")
            try repository.write("cfg/x.yaml", "x")
        },
        Case(name: "the whole tree", directory: "") { repository in
            try repository.write("README.md", "r2")
            try repository.remove("models/team/deep/d.yaml")
            try repository.write("docs/new.md", "n")
        },
    ]

    func local(_ repository: TestRepository) throws -> LocalRepository {
        try SourceFixture().sync(repository.path).repository
    }

    /// What `git diff --no-renames` lists, a type change split into a deletion and an addition as libgit2's
    /// diff (the one replaced) did without type-change detection.
    static func gitDiff(_ repository: TestRepository, _ old: CommitID, _ new: CommitID, _ directory: String) throws -> TreeChanges {
        let output = try repository.git("diff", "--no-renames", "--name-status", old.hex, new.hex, "--", directory.isEmpty ? "." : directory + "/")
        var changes = TreeChanges()
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            switch fields[0] {
            case "A": changes.added.append(fields[1])
            case "M": changes.modified.append(fields[1])
            case "D": changes.deleted.append(fields[1])
            case "T":
                changes.deleted.append(fields[1])
                changes.added.append(fields[1])
            default: Issue.record("unexpected status in \(line)")
            }
        }
        return changes
    }

    static func sorted(_ changes: TreeChanges) -> TreeChanges {
        TreeChanges(added: changes.added.sorted(), modified: changes.modified.sorted(), deleted: changes.deleted.sorted())
    }

    @Test(arguments: cases)
    func listsWhatGitsDiffLists(_ item: Case) throws {
        let repository = try TestRepository(files: Self.files)
        let old = try repository.head()
        try item.change(repository)
        let new = try repository.commit(item.name)
        let expected = Self.sorted(try Self.gitDiff(repository, old, new, item.directory))
        #expect(!expected.isEmpty)
        let local = try local(repository)
        #expect(Self.sorted(try local.changes(from: old, to: new, under: item.directory)) == expected)
        #expect(Self.sorted(try local.changes(from: new, to: old, under: item.directory))
            == TreeChanges(added: expected.deleted, modified: expected.modified, deleted: expected.added))
        #expect(try local.changes(from: new, to: new, under: item.directory).isEmpty)
    }

    /// A tree just over the 16 MiB bound (about 470,000 entries) in the new commit: libgit2's diff read it
    /// whole and listed every entry.
    @Test func aTreeOverTheSizeLimitIsRefusedFromItsHeader() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let old = try repository.head()
        let blob = try repository.git("rev-parse", "HEAD:models/a.yaml")
        let blobBytes = Self.rawID(blob)
        var tree = Data()
        var index = 0
        while tree.count <= GitRepository.maxTreeObjectSize {
            tree.append(contentsOf: Array("100644 f\(String(format: "%07d", index))".utf8) + [0] + blobBytes)
            index += 1
        }
        func run(_ arguments: [String], _ input: Data) throws -> String {
            try Shell.run(arguments, in: repository.path, environment: repository.environment, input: input)
        }
        let big = try run(["git", "hash-object", "-t", "tree", "-w", "--literally", "--stdin"], tree)
        let models = try run(["git", "mktree"], Data("100644 blob \(blob)\ta.yaml\n040000 tree \(big)\tbig\n".utf8))
        let root = try run(["git", "mktree"], Data("040000 tree \(models)\tmodels\n".utf8))
        let new = try repository.git("commit-tree", root, "-p", old.hex, "-m", "a huge tree")
        try repository.git("update-ref", "refs/heads/main", new)

        let local = try local(repository)
        let refused = try #require(gitError { _ = try local.changes(from: old, to: CommitID(hex: new)!, under: "models") })
        guard case let .objectTooLarge(what, size, limit) = refused else {
            Issue.record("expected objectTooLarge, got \(refused)")
            return
        }
        #expect(what == "tree \(big)" && size == tree.count && limit == GitRepository.maxTreeObjectSize)
        // Outside the directory diffed it is never looked at.
        #expect(try local.changes(from: old, to: CommitID(hex: new)!, under: "other").isEmpty)
    }

    /// An object id's 20 bytes, as a tree entry stores them, from its 40 hex digits.
    static func rawID(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: 40, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// A tree object written as given: entries in any order, any mode, any name bytes.
    static func rawTree(_ repository: TestRepository, _ entries: [(mode: String, name: [UInt8], id: String)]) throws -> String {
        var data = Data()
        for entry in entries {
            data.append(contentsOf: Array("\(entry.mode) ".utf8) + entry.name + [0] + rawID(entry.id))
        }
        return try Shell.run(["git", "hash-object", "-t", "tree", "-w", "--literally", "--stdin"], in: repository.path, environment: repository.environment, input: data)
    }

    /// Commits a root tree holding `models` as `tree`, on top of main.
    static func commit(_ repository: TestRepository, models tree: String) throws -> CommitID {
        let root = try rawTree(repository, [("40000", Array("models".utf8), tree)])
        let id = try repository.git("commit-tree", root, "-p", "main", "-m", "raw")
        try repository.git("update-ref", "refs/heads/main", id)
        return CommitID(hex: id)!
    }

    /// Two names git stores as different bytes are two paths, even where Swift's strings call them equal (NFC
    /// and NFD `é`) or decode both to U+FFFD (invalid UTF-8): a rename between them is a deletion and an addition.
    @Test(arguments: [
        (Array("\u{E9}.yaml".utf8), Array("e\u{301}.yaml".utf8), "e\u{301}.yaml"),
        ([0xFF] + Array(".yaml".utf8), [0xFE] + Array(".yaml".utf8), "\u{FFFD}.yaml"),
    ])
    func namesAreComparedAsTheirBytes(_ before: [UInt8], _ after: [UInt8], _ shown: String) throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let blob = try repository.git("rev-parse", "HEAD:models/a.yaml")
        let old = try Self.commit(repository, models: try Self.rawTree(repository, [("100644", before, blob)]))
        let new = try Self.commit(repository, models: try Self.rawTree(repository, [("100644", after, blob)]))
        let changes = try local(repository).changes(from: old, to: new, under: "models")
        #expect(changes.added.count == 1 && changes.deleted.count == 1 && changes.modified.isEmpty, "\(changes)")
        // Compared as bytes: Swift's `==` would call the NFC and NFD spellings equal.
        #expect(changes.added.map { Array($0.utf8) } == [Array("models/\(shown)".utf8)])
    }

    /// A mode as stored (`100664`, which libgit2 reads as `100644`) differs from another: modified, as
    /// libgit2's diff reported it.
    @Test func aFileModeStoredDifferentlyIsModified() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let blob = try repository.git("rev-parse", "HEAD:models/a.yaml")
        let old = try Self.commit(repository, models: try Self.rawTree(repository, [("100644", Array("a.yaml".utf8), blob)]))
        let new = try Self.commit(repository, models: try Self.rawTree(repository, [("100664", Array("a.yaml".utf8), blob)]))
        #expect(try local(repository).changes(from: old, to: new, under: "models") == TreeChanges(modified: ["models/a.yaml"]))
    }

    /// Four levels of 100 entries, each naming the level below, over two leaves that differ only in the order of
    /// their entries: nothing to list, and 100^4 pairs of trees to compare. The work is bounded, not the list.
    @Test func treesThatDifferWithoutListingAnythingCostBoundedWork() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let blob = try repository.git("rev-parse", "HEAD:models/a.yaml")
        var old = try Self.rawTree(repository, [("100644", Array("a".utf8), blob), ("100644", Array("b".utf8), blob)])
        var new = try Self.rawTree(repository, [("100644", Array("b".utf8), blob), ("100644", Array("a".utf8), blob)])
        #expect(old != new)
        for _ in 0..<4 {
            let names = (0..<100).map { Array(String(format: "d%03d", $0).utf8) }
            old = try Self.rawTree(repository, names.map { ("40000", $0, old) })
            new = try Self.rawTree(repository, names.map { ("40000", $0, new) })
        }
        let oldCommit = try Self.commit(repository, models: old)
        let newCommit = try Self.commit(repository, models: new)
        // A budget smaller than the default's 2,000,000 entries, which a debug build takes seconds to look at.
        let git = try GitRepository.open(try local(repository).path)
        let refused = try #require(gitError { _ = try TreeDiff.changes(in: git, from: oldCommit, to: newCommit, directory: "models", maxEntries: 20_000) })
        guard case let .tooManyFiles(path, count, limit) = refused else {
            Issue.record("expected tooManyFiles, got \(refused)")
            return
        }
        #expect(path == "models" && count > limit && limit == 20_000)
    }

    @Test func directoriesNestedPastTheReadLimitAreRefused() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let old = try repository.head()
        let new = try repository.importFiles(count: 1, path: { _ in "models/" + String(repeating: "d/", count: 70) + "x.yaml" }, content: { _ in "x" })
        let refused = try #require(gitError { _ = try local(repository).changes(from: old, to: new, under: "models") })
        guard case let .tooDeep(path, limit) = refused else {
            Issue.record("expected tooDeep, got \(refused)")
            return
        }
        #expect(limit == ReadLimits.maxDirectoryDepth && path == "models/" + Array(repeating: "d", count: 65).joined(separator: "/"))
    }

    @Test func aChangeSetOverTheCapIsRefused() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a"])
        let old = try repository.head()
        let new = try repository.importFiles(count: 4, path: { "models/m\($0).yaml" }, content: { "\($0)" })
        let git = try GitRepository.open(try local(repository).path)
        #expect(try TreeDiff.changes(in: git, from: old, to: new, directory: "models", maxChanges: 4).added.count == 4)
        #expect(throws: GitSourceError.tooManyFiles(path: "models", count: 4, limit: 3)) {
            try TreeDiff.changes(in: git, from: old, to: new, directory: "models", maxChanges: 3)
        }
    }
}
