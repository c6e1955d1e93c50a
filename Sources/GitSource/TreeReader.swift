import CLibGit2
import Foundation

/// Reads files out of a commit's tree through the object database: sizes are checked from object
/// headers before any content is inflated.
struct TreeReader {
    let repository: GitRepository
    let maxFileSize: Int
    private let odb: OpaquePointer

    init(repository: GitRepository, maxFileSize: Int) throws {
        self.repository = repository
        self.maxFileSize = maxFileSize
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, repository.pointer))
        self.odb = odb!
    }

    func read(commit: CommitID, directory: String, include: (String) -> Bool) throws -> [GitFile] {
        defer { git_odb_free(odb) }
        let root = try repository.tree(of: commit)
        defer { git_tree_free(root) }
        var files: [GitFile] = []
        if directory.isEmpty {
            try walk(tree: root, prefix: "", include: include, into: &files)
            return files
        }
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, root, directory)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            throw GitSourceError.pathNotFound(path: directory, commit: commit.hex)
        }
        try LibGit2.check("git_tree_entry_bypath", code)
        defer { git_tree_entry_free(entry) }
        try visit(entry: entry!, path: directory, include: include, into: &files)
        return files
    }

    /// One file by path. Each directory on the way must be a real directory (not a link), and the file
    /// itself a regular or executable blob within the size cap.
    func readFile(commit: CommitID, path: String) throws -> GitFile {
        defer { git_odb_free(odb) }
        let root = try repository.tree(of: commit)
        defer { git_tree_free(root) }
        let components = path.split(separator: "/").map(String.init)
        for depth in 1...max(1, components.count) {
            let prefix = components.prefix(depth).joined(separator: "/")
            var entry: OpaquePointer?
            let code = git_tree_entry_bypath(&entry, root, prefix)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                throw GitSourceError.pathNotFound(path: path, commit: commit.hex)
            }
            try LibGit2.check("git_tree_entry_bypath", code)
            defer { git_tree_entry_free(entry) }
            let mode = git_tree_entry_filemode(entry)
            switch mode {
            case GIT_FILEMODE_LINK: throw GitSourceError.symlinkRefused(path: prefix)
            case GIT_FILEMODE_COMMIT: throw GitSourceError.submoduleRefused(path: prefix)
            case GIT_FILEMODE_TREE where depth == components.count: throw GitSourceError.notAFile(path: path)
            case GIT_FILEMODE_BLOB where depth == components.count, GIT_FILEMODE_BLOB_EXECUTABLE where depth == components.count:
                return try readBlob(entry: entry!, path: path, executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE)
            case GIT_FILEMODE_TREE: continue
            default: throw GitSourceError.notAFile(path: prefix)
            }
        }
        throw GitSourceError.pathNotFound(path: path, commit: commit.hex)
    }

    private func walk(tree: OpaquePointer, prefix: String, include: (String) -> Bool, into files: inout [GitFile]) throws {
        // Tree entries are sorted by name, so the output is sorted by path without a sort.
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            try visit(entry: entry, path: prefix.isEmpty ? name : "\(prefix)/\(name)", include: include, into: &files)
        }
    }

    private func visit(entry: OpaquePointer, path: String, include: (String) -> Bool, into files: inout [GitFile]) throws {
        let mode = git_tree_entry_filemode(entry)
        switch mode {
        case GIT_FILEMODE_TREE:
            var subtree: OpaquePointer?
            try LibGit2.check("git_tree_lookup", git_tree_lookup(&subtree, repository.pointer, git_tree_entry_id(entry)))
            defer { git_tree_free(subtree) }
            try walk(tree: subtree!, prefix: path, include: include, into: &files)
        case GIT_FILEMODE_LINK:
            throw GitSourceError.symlinkRefused(path: path)
        case GIT_FILEMODE_COMMIT:
            throw GitSourceError.submoduleRefused(path: path)
        case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
            guard include(path) else { return }
            files.append(try readBlob(entry: entry, path: path, executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE))
        default:
            throw GitSourceError.libgit2(function: "git_tree_entry_filemode", code: -1, message: "\(path): unknown file mode \(String(mode.rawValue, radix: 8))")
        }
    }

    private func readBlob(entry: OpaquePointer, path: String, executable: Bool) throws -> GitFile {
        let oid = git_tree_entry_id(entry)
        var size = 0
        var type = GIT_OBJECT_INVALID
        try LibGit2.check("git_odb_read_header", git_odb_read_header(&size, &type, odb, oid))
        guard size <= maxFileSize else {
            throw GitSourceError.fileTooLarge(path: path, size: size, limit: maxFileSize)
        }
        var blob: OpaquePointer?
        try LibGit2.check("git_blob_lookup", git_blob_lookup(&blob, repository.pointer, oid))
        defer { git_blob_free(blob) }
        let length = Int(git_blob_rawsize(blob))
        let data = length == 0 ? Data() : Data(bytes: git_blob_rawcontent(blob), count: length)
        return GitFile(path: path, data: data, mode: executable ? .executable : .regular)
    }
}
