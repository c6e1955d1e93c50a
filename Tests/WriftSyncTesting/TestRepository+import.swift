import Foundation
import GitSource

extension TestRepository {
    /// Writes raw bytes (binary files, invalid UTF-8) into the work tree.
    public func write(_ file: String, data: Data) throws {
        let url = URL(fileURLWithPath: path + "/" + file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Commits `count` small files on top of `main` in one `git fast-import` stream (no work tree, no
    /// index: a 100,000-file commit takes seconds, where 100,000 `git add`s would take minutes). File `i`
    /// is `path(i)` with the content `content(i)`.
    @discardableResult
    public func importFiles(count: Int, path: (Int) -> String, content: (Int) -> String) throws -> CommitID {
        var stream = "commit refs/heads/main\ncommitter Test <test@example.invalid> 1700000000 +0000\ndata 6\nimport\nfrom refs/heads/main^0\n"
        stream.reserveCapacity(count * 96)
        for index in 0..<count {
            let body = content(index)
            stream += "M 100644 inline \(path(index))\ndata \(body.utf8.count)\n\(body)\n"
        }
        stream += "done\n"
        _ = try Shell.run(["git", "fast-import", "--quiet", "--done"], in: self.path, environment: environment, input: Data(stream.utf8))
        return try head("refs/heads/main")
    }
}
