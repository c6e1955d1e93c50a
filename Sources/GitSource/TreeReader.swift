import CLibGit2
import Foundation

/// Reads files out of a commit's tree through the object database: sizes are checked from object
/// headers before any content is inflated. Holds the repository's object database until released.
final class TreeReader {
    let repository: GitRepository
    let maxFileSize: Int
    let maxFiles: Int
    let maxTotalSize: Int
    private let odb: OpaquePointer

    /// A file found by the walk, not read yet.
    private struct Entry {
        let path: String
        let oid: git_oid
        let executable: Bool
    }

    /// The most tree entries one walk looks at, directories and files left out by its filter included.
    let maxEntries: Int

    init(repository: GitRepository, maxFileSize: Int, maxFiles: Int = .max, maxTotalSize: Int = .max, maxEntries: Int = TreeDiff.maxEntries) throws {
        self.maxEntries = maxEntries
        self.repository = repository
        self.maxFileSize = maxFileSize
        self.maxFiles = maxFiles
        self.maxTotalSize = maxTotalSize
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, repository.pointer))
        self.odb = odb!
    }

    deinit {
        git_odb_free(odb)
    }

    /// Every included file under `directory`. The whole walk (links and submodules refused) and the bounds
    /// (count, then each size and the total, from object headers) come before any content is inflated.
    func read(commit: CommitID, directory: String, include: (String) -> Bool) throws -> [GitFile] {
        try entries(commit: commit, directory: directory, include: include).map { try readBlob($0) }
    }

    /// Every included file under `directory` with its blob id and size, none of them read: the walk and the
    /// bounds of ``read(commit:directory:include:)`` without inflating anything.
    func entries(commit: CommitID, directory: String, include: (String) -> Bool) throws -> [TreeEntry] {
        let root = try repository.tree(of: commit)
        defer { git_tree_free(root) }
        var entries: [Entry] = []
        var looked = 0
        if directory.isEmpty {
            try walk(tree: root, prefix: "", directory: directory, depth: 0, include: include, into: &entries, looked: &looked)
        } else {
            guard let entry = try entry(at: directory, in: root) else {
                throw GitSourceError.pathNotFound(path: directory, commit: commit.hex)
            }
            defer { git_tree_entry_free(entry) }
            try visit(entry: entry, path: directory, directory: directory, depth: 0, include: include, into: &entries, looked: &looked)
        }
        var total = 0
        var result: [TreeEntry] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            var oid = entry.oid
            let size = try blobSize(&oid)
            guard size <= maxFileSize else {
                throw GitSourceError.fileTooLarge(path: entry.path, size: size, limit: maxFileSize)
            }
            total += size
            guard total <= maxTotalSize else {
                throw GitSourceError.filesTooLarge(path: directory, size: total, limit: maxTotalSize)
            }
            result.append(TreeEntry(path: entry.path, blob: BlobID(trusted: oid.hex), size: size, mode: entry.executable ? .executable : .regular))
        }
        return result
    }

    /// The content of an entry found by ``entries(commit:directory:include:)``.
    func readBlob(_ entry: TreeEntry) throws -> GitFile {
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, entry.blob.hex))
        return try readBlob(oid: &oid, path: entry.path, executable: entry.mode == .executable)
    }

    /// The blob id of the regular or executable file at `path`, or `nil` when there is none there (missing,
    /// a directory, a link, a submodule): reading the file then reports why.
    func blobID(commit: CommitID, path: String) throws -> BlobID? {
        let root = try repository.tree(of: commit)
        defer { git_tree_free(root) }
        guard let entry = try entry(at: path, in: root) else { return nil }
        defer { git_tree_entry_free(entry) }
        let mode = git_tree_entry_filemode(entry)
        guard mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE else { return nil }
        return BlobID(trusted: git_tree_entry_id(entry).pointee.hex)
    }

    /// One file by path. Each directory on the way must be a real directory (not a link), and the file
    /// itself a regular or executable blob within the size cap.
    func readFile(commit: CommitID, path: String) throws -> GitFile {
        let root = try repository.tree(of: commit)
        defer { git_tree_free(root) }
        let components = path.split(separator: "/").map(String.init)
        for depth in 1...max(1, components.count) {
            let prefix = components.prefix(depth).joined(separator: "/")
            guard let entry = try entry(at: prefix, in: root) else {
                throw GitSourceError.pathNotFound(path: path, commit: commit.hex)
            }
            defer { git_tree_entry_free(entry) }
            let mode = git_tree_entry_filemode(entry)
            switch mode {
            case GIT_FILEMODE_LINK: throw GitSourceError.symlinkRefused(path: prefix)
            case GIT_FILEMODE_COMMIT: throw GitSourceError.submoduleRefused(path: prefix)
            case GIT_FILEMODE_TREE where depth == components.count: throw GitSourceError.notAFile(path: path)
            case GIT_FILEMODE_BLOB where depth == components.count, GIT_FILEMODE_BLOB_EXECUTABLE where depth == components.count:
                var oid = git_tree_entry_id(entry).pointee
                let size = try blobSize(&oid)
                guard size <= maxFileSize else {
                    throw GitSourceError.fileTooLarge(path: path, size: size, limit: maxFileSize)
                }
                return try readBlob(oid: &oid, path: path, executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE)
            case GIT_FILEMODE_TREE: continue
            default: throw GitSourceError.notAFile(path: prefix)
            }
        }
        throw GitSourceError.pathNotFound(path: path, commit: commit.hex)
    }

    private func walk(
        tree: OpaquePointer, prefix: String, directory: String, depth: Int, include: (String) -> Bool, into entries: inout [Entry], looked: inout Int
    ) throws {
        // Tree entries are sorted by name, so the output is sorted by path without a sort.
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            // Every entry counts, directories and files the filter leaves out too: a few KB of trees naming one
            // subtree ten times, ten deep (a "git bomb"), is 10^10 paths, and the walk went on for ever.
            looked += 1
            guard looked <= maxEntries else {
                throw GitSourceError.tooManyFiles(path: directory, count: looked, limit: maxEntries)
            }
            let name = String(cString: git_tree_entry_name(entry))
            try visit(entry: entry, path: prefix.isEmpty ? name : "\(prefix)/\(name)", directory: directory, depth: depth, include: include, into: &entries, looked: &looked)
        }
    }

    private func visit(
        entry: OpaquePointer, path: String, directory: String, depth: Int, include: (String) -> Bool, into entries: inout [Entry], looked: inout Int
    ) throws {
        let mode = git_tree_entry_filemode(entry)
        switch mode {
        case GIT_FILEMODE_TREE:
            // The walk recurses once per level: a tree nested 20,000 deep would overflow the stack.
            guard depth < ReadLimits.maxDirectoryDepth else {
                throw GitSourceError.tooDeep(path: path, limit: ReadLimits.maxDirectoryDepth)
            }
            let subtree = try repository.lookUpBoundedTree(git_tree_entry_id(entry))
            defer { git_tree_free(subtree) }
            try walk(tree: subtree, prefix: path, directory: directory, depth: depth + 1, include: include, into: &entries, looked: &looked)
        case GIT_FILEMODE_LINK:
            throw GitSourceError.symlinkRefused(path: path)
        case GIT_FILEMODE_COMMIT:
            throw GitSourceError.submoduleRefused(path: path)
        case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
            guard include(path) else { return }
            // Counting stops at the first file over the cap: a tree of millions of entries costs no more.
            guard entries.count < maxFiles else {
                throw GitSourceError.tooManyFiles(path: directory, count: entries.count + 1, limit: maxFiles)
            }
            entries.append(Entry(path: path, oid: git_tree_entry_id(entry).pointee, executable: mode == GIT_FILEMODE_BLOB_EXECUTABLE))
        default:
            throw GitSourceError.libgit2(function: "git_tree_entry_filemode", code: -1, message: "\(path): unknown file mode \(String(mode.rawValue, radix: 8))")
        }
    }

    /// The entry at `path` below `root` (a copy the caller frees with `git_tree_entry_free`), or nil when
    /// there is none. Not `git_tree_entry_bypath`: it reads each tree on the way whole, whatever its size.
    private func entry(at path: String, in root: OpaquePointer) throws -> OpaquePointer? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return nil }
        var trees: [OpaquePointer] = []
        defer { trees.forEach { git_tree_free($0) } }
        var tree = root
        for (index, name) in components.enumerated() {
            guard let found = git_tree_entry_byname(tree, name) else { return nil }
            if index == components.count - 1 {
                var copy: OpaquePointer?
                try LibGit2.check("git_tree_entry_dup", git_tree_entry_dup(&copy, found))
                return copy
            }
            guard git_tree_entry_filemode(found) == GIT_FILEMODE_TREE else { return nil }
            tree = try repository.lookUpBoundedTree(git_tree_entry_id(found))
            trees.append(tree)
        }
        return nil
    }

    /// A blob's size from its object header, without inflating it.
    private func blobSize(_ oid: inout git_oid) throws -> Int {
        var size = 0
        var type = GIT_OBJECT_INVALID
        try LibGit2.check("git_odb_read_header", git_odb_read_header(&size, &type, odb, &oid))
        return size
    }

    private func readBlob(oid: inout git_oid, path: String, executable: Bool) throws -> GitFile {
        var blob: OpaquePointer?
        try LibGit2.check("git_blob_lookup", git_blob_lookup(&blob, repository.pointer, &oid))
        defer { git_blob_free(blob) }
        let length = Int(git_blob_rawsize(blob))
        let data = length == 0 ? Data() : Data(bytes: git_blob_rawcontent(blob), count: length)
        return GitFile(path: path, data: data, mode: executable ? .executable : .regular)
    }
}
