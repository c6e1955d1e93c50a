import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// Reading files from commits and diffing trees, on local repositories (no server needed).
@Suite(.onOwnThreads) struct TreeTests {
    func local(_ repository: TestRepository) throws -> LocalRepository {
        try SourceFixture().sync(repository.path).repository
    }

    @Test func readsNestedFilesWithModesSortedByPath() throws {
        let repository = try TestRepository(files: [
            "models/z.yaml": "z", "models/team/a.yaml": "a", "models/run.sh": "#!/bin/sh\n", "other/x.yaml": "x",
        ])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repository.path + "/models/run.sh")
        let head = try repository.commit("chmod")
        let files = try local(repository).files(at: head, under: "models")
        #expect(files.map(\.path) == ["models/run.sh", "models/team/a.yaml", "models/z.yaml"])
        #expect(files.map(\.mode) == [.executable, .regular, .regular])
        #expect(files[1].data == Data("a".utf8))
    }

    @Test(arguments: ["models", "models/", "./models", "/models"])
    func directorySpellingsAreEquivalent(_ directory: String) throws {
        let repository = try TestRepository()
        let files = try local(repository).files(at: try repository.head(), under: directory)
        #expect(files.map(\.path) == ["models/a.yaml", "models/b.yaml"])
    }

    @Test func theWholeTreeAndAFilterSelectFiles() throws {
        let repository = try TestRepository()
        let repo = try local(repository)
        let head = try repository.head()
        #expect(try repo.files(at: head, under: "").map(\.path) == ["README.md", "models/a.yaml", "models/b.yaml"])
        #expect(try repo.files(at: head, under: ".", include: { $0.hasSuffix(".md") }).map(\.path) == ["README.md"])
    }

    @Test func aSymlinkIsRefusedNamingItsPath() throws {
        let repository = try TestRepository()
        try repository.symlink("models/passwd.yaml", to: "/etc/passwd")
        let head = try repository.commit("link")
        let error = gitError { try local(repository).files(at: head, under: "models") }
        #expect(error == .symlinkRefused(path: "models/passwd.yaml"))
        #expect(error?.description.hasPrefix("models/passwd.yaml:") == true)
    }

    @Test func aPathWithALineBreakStaysOnOneLineInTheError() throws {
        let repository = try TestRepository()
        try repository.symlink("models/evil\nerror: forged line.yaml", to: "/etc/passwd")
        let head = try repository.commit("link with a line break in its name")
        let error = gitError { try local(repository).files(at: head, under: "models") }
        #expect(error == .symlinkRefused(path: "models/evil\nerror: forged line.yaml"))
        let text = try #require(error?.description)
        #expect(!text.contains("\n"), "one line: \(text)")
        #expect(text.hasPrefix("models/evil\\nerror: forged line.yaml: is a symbolic link"))
    }

    @Test func aSymlinkedDirectoryIsRefusedToo() throws {
        let repository = try TestRepository()
        try repository.symlink("linked", to: "/etc")
        let head = try repository.commit("dir link")
        #expect(gitError { try local(repository).files(at: head, under: "linked") } == .symlinkRefused(path: "linked"))
    }

    @Test func aSubmoduleIsRefusedNamingItsPath() throws {
        let repository = try TestRepository()
        let target = try repository.head()
        try repository.git("update-index", "--add", "--cacheinfo", "160000,\(target.hex),models/vendored")
        try repository.git("commit", "-q", "-m", "submodule")
        let head = try repository.head()
        #expect(gitError { try local(repository).files(at: head, under: "models") } == .submoduleRefused(path: "models/vendored"))
    }

    @Test func aFileOverTheCapIsRefusedUnlessFilteredOut() throws {
        let repository = try TestRepository()
        try repository.write("models/huge.yaml", bytes: 2 << 20)
        let head = try repository.commit("huge")
        let repo = try local(repository)
        #expect(gitError { try repo.files(at: head, under: "models") } == .fileTooLarge(path: "models/huge.yaml", size: 2 << 20, limit: 1 << 20))
        #expect(try repo.files(at: head, under: "models", include: { !$0.contains("huge") }).count == 2)
        #expect(try repo.files(at: head, under: "models", maxFileSize: 4 << 20).count == 3)
    }

    @Test func aMissingDirectoryIsAnError() throws {
        let repository = try TestRepository()
        let head = try repository.head()
        let error = gitError { try local(repository).files(at: head, under: "declarations") }
        #expect(error == .pathNotFound(path: "declarations", commit: head.hex))
        #expect(error?.description.contains("--path") == true)
    }

    @Test func diffListsAddedModifiedAndDeletedPathsUnderTheDirectoryOnly() throws {
        let repository = try TestRepository(files: ["models/a.yaml": "a", "models/b.yaml": "b", "models-old/x.yaml": "x", "README.md": "r"])
        let old = try repository.head()
        try repository.write("models/a.yaml", "a2")
        try repository.remove("models/b.yaml")
        try repository.write("models/team/c.yaml", "c")
        try repository.write("models-old/x.yaml", "x2")
        try repository.write("README.md", "r2")
        let new = try repository.commit("changes")
        let changes = try local(repository).changes(from: old, to: new, under: "models")
        #expect(changes == TreeChanges(added: ["models/team/c.yaml"], modified: ["models/a.yaml"], deleted: ["models/b.yaml"]))
        #expect(try local(repository).changes(from: old, to: old, under: "models").isEmpty)
        #expect(try local(repository).changes(from: old, to: new, under: "").allPaths.count == 5)
    }
}

@Suite(.onOwnThreads) struct SingleFileTests {
    @Test func readsOneFileAndRefusesLinksOnItsPath() throws {
        let repository = try TestRepository(files: ["schemas/s.json": "{}", "models/a.yaml": "a"])
        try repository.symlink("linked", to: "schemas")
        try repository.symlink("schemas/passwd.json", to: "/etc/passwd")
        let head = try repository.commit("links")
        let local = try SourceFixture().sync(repository.path).repository
        #expect(try local.file(at: head, path: "schemas/s.json").data == Data("{}".utf8))
        #expect(gitError { try local.file(at: head, path: "linked/s.json") } == .symlinkRefused(path: "linked"))
        #expect(gitError { try local.file(at: head, path: "schemas/passwd.json") } == .symlinkRefused(path: "schemas/passwd.json"))
        #expect(gitError { try local.file(at: head, path: "schemas") } == .notAFile(path: "schemas"))
        #expect(gitError { try local.file(at: head, path: "schemas/missing.json") } == .pathNotFound(path: "schemas/missing.json", commit: head.hex))
        #expect(gitError { try local.file(at: head, path: "schemas/s.json", maxFileSize: 1) } == .fileTooLarge(path: "schemas/s.json", size: 2, limit: 1))
    }
}
