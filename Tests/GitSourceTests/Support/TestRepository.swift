import Foundation
@testable import GitSource

/// A git repository built with the git CLI, to be served by the test servers.
final class TestRepository: @unchecked Sendable {
    let directory: TemporaryDirectory
    /// Parent of `path`: the base path servers export.
    var root: String { directory.path }
    /// The repository itself: `<root>/repo.git` (a normal repository with a work tree, despite the name).
    var path: String { root + "/repo.git" }
    var home: String { root + "/home" }
    var environment: [String: String] { Shell.environment(home: home) }

    init(files: [String: String] = ["models/a.yaml": "model: acme/a\n", "models/b.yaml": "model: acme/b\n", "README.md": "# test\n"]) throws {
        directory = try TemporaryDirectory("repo")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        // Let `git push` into this repository's checked-out branch work, as a server-side repository would.
        try git("config", "receive.denyCurrentBranch", "ignore")
        for (file, content) in files { try write(file, content) }
        try commit("initial")
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try Shell.run(["git"] + arguments, in: path, environment: environment)
    }

    func write(_ file: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    func write(_ file: String, bytes count: Int) throws {
        let url = URL(fileURLWithPath: path + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: UInt8(ascii: "x"), count: count).write(to: url)
    }

    func symlink(_ file: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + file, withDestinationPath: target)
    }

    func remove(_ file: String) throws {
        try git("rm", "-q", file)
    }

    /// Commits everything and returns the new commit id.
    @discardableResult
    func commit(_ message: String) throws -> CommitID {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try head()
    }

    func head(_ ref: String = "HEAD") throws -> CommitID {
        CommitID(hex: try git("rev-parse", "\(ref)^{commit}"))!
    }

    /// The number of objects reachable from `new` but not from `old`.
    func objectCount(from old: CommitID, to new: CommitID) throws -> Int {
        try git("rev-list", "--objects", "\(old.hex)..\(new.hex)").split(separator: "\n").count
    }
}
