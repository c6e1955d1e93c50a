import Foundation
import GitSource

/// A git repository built with the git CLI, to be served by the test servers.
public final class TestRepository: @unchecked Sendable {
    public let directory: TemporaryDirectory
    /// Parent of `path`: the base path servers export.
    public var root: String { directory.path }
    /// The repository itself: `<root>/repo.git` (a normal repository with a work tree, despite the name).
    public var path: String { root + "/repo.git" }
    public var home: String { root + "/home" }
    public var environment: [String: String] { Shell.environment(home: home) }

    /// A repository on branch `main` holding `files` (path → content) in one commit.
    public init(files: [String: String] = ["models/a.yaml": "model: acme/a\n", "models/b.yaml": "model: acme/b\n", "README.md": "# test\n"]) throws {
        directory = try TemporaryDirectory("repo")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        // Let `git push` into this repository's checked-out branch work, as a server-side repository would.
        try git("config", "receive.denyCurrentBranch", "ignore")
        for (file, content) in files { try write(file, content) }
        try commit("initial")
    }

    /// Runs `git arguments` in the repository; its trimmed output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try Shell.run(["git"] + arguments, in: path, environment: environment)
    }

    /// Writes `content` to `file` (relative to the work tree), creating its directories.
    public func write(_ file: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Writes `count` bytes of `x` to `file`.
    public func write(_ file: String, bytes count: Int) throws {
        let url = URL(fileURLWithPath: path + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: UInt8(ascii: "x"), count: count).write(to: url)
    }

    /// Makes `file` a symbolic link to `target`.
    public func symlink(_ file: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + file, withDestinationPath: target)
    }

    /// `git rm`s `file`.
    public func remove(_ file: String) throws {
        try git("rm", "-q", file)
    }

    /// Commits everything and returns the new commit id.
    @discardableResult
    public func commit(_ message: String) throws -> CommitID {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try head()
    }

    /// The commit `ref` points at.
    public func head(_ ref: String = "HEAD") throws -> CommitID {
        CommitID(hex: try git("rev-parse", "\(ref)^{commit}"))!
    }

    /// The number of objects reachable from `new` but not from `old`.
    public func objectCount(from old: CommitID, to new: CommitID) throws -> Int {
        try git("rev-list", "--objects", "\(old.hex)..\(new.hex)").split(separator: "\n").count
    }
}
