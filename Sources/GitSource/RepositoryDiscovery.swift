import CLibGit2
import Foundation

/// Where a local path that is not itself a repository sits in one: for the hint that names the `--repo` and
/// `--path` to use instead. Only used to word an error; nothing is ever read from the repository found.
public struct EnclosingRepository: Sendable, Hashable {
    /// The repository's working directory (its root).
    public let root: String
    /// The path's directory relative to `root` (`Examples/config-repo`).
    public let prefix: String

    /// The repository whose working tree holds `path`, when `path` is a directory inside one but not its
    /// root; `nil` otherwise (a repository itself, not in one, or not a directory).
    public static func of(_ path: String) -> EnclosingRepository? {
        LibGit2.ensureInitialised()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        var opened: OpaquePointer?
        if git_repository_open_ext(&opened, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil) == 0 {
            git_repository_free(opened)
            return nil
        }
        git_error_clear()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_repository_discover(&buffer, path, 0, nil) == 0, let found = buffer.ptr else {
            git_error_clear()
            return nil
        }
        var repository: OpaquePointer?
        guard git_repository_open_ext(&repository, String(cString: found), GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil) == 0 else {
            git_error_clear()
            return nil
        }
        defer { git_repository_free(repository) }
        guard let workdir = git_repository_workdir(repository) else { return nil }
        let root = Self.resolved(String(cString: workdir))
        let target = Self.resolved(path)
        guard target.hasPrefix(root + "/") else { return nil }
        return EnclosingRepository(root: root, prefix: String(target.dropFirst(root.count + 1)))
    }

    /// `path` absolute, with links resolved and no trailing `/`.
    private static func resolved(_ path: String) -> String {
        var text = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
