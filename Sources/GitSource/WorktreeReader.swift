import CLibGit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files of a repository's working directory — committed, staged, modified and untracked alike —
/// with the shape and the rules of ``CommitReader``: a walk that lists files with their content ids, links
/// and submodules refused, the count and every size bounded from `lstat` before any content is read, and
/// nothing but regular files ever opened (a FIFO or a device would block or never end). Files git ignores
/// and does not track are left out, as a commit would leave them out. Not thread-safe (libgit2's rule): use
/// it on the thread that made it.
///
/// Content ids are git blob ids of the bytes read, so a file unchanged since the commit has the id it has
/// there, and a cache keyed by content ids reuses what it parsed from the commit.
public final class WorktreeReader {
    /// The working directory, absolute, without a trailing `/`.
    public let workingDirectory: String
    /// The commit HEAD points at, which the working tree is compared with; `nil` on an unborn branch.
    public let head: CommitID?
    /// The largest file ``blobID(at:)`` reads.
    public let maxFileSize: Int
    private let repository: GitRepository
    private let index: OpaquePointer
    /// What ``entries(under:maxFileSize:maxFiles:maxTotalSize:include:)`` read, by path: a file is read once,
    /// and its content is the one its id was computed from even if it changes on disk meanwhile.
    private var contents: [String: Data] = [:]

    init(repository: GitRepository, workingDirectory: String, head: CommitID?, maxFileSize: Int) throws {
        self.repository = repository
        self.maxFileSize = maxFileSize
        self.workingDirectory = workingDirectory
        self.head = head
        var index: OpaquePointer?
        try LibGit2.check("git_repository_index", git_repository_index(&index, repository.pointer))
        self.index = index!
    }

    deinit {
        git_index_free(index)
    }

    /// Every file under `directory` that `include` accepts, with its content id and size: the walk (links,
    /// submodules and special files refused, at most ``ReadLimits/maxDirectoryDepth`` levels), then the bounds
    /// — more than `maxFiles` files, a file over `maxFileSize` bytes, files over `maxTotalSize` bytes together,
    /// all from `lstat` — and only then the reads.
    public func entries(
        under directory: String,
        maxFileSize: Int = 1 << 20,
        maxFiles: Int = ReadLimits.defaultMaxFiles,
        maxTotalSize: Int = ReadLimits.defaultMaxTotalSize,
        include: (String) -> Bool = { _ in true }
    ) throws -> [TreeEntry] {
        let directory = LocalRepository.normalise(directory)
        var found: [(path: String, size: Int, executable: Bool)] = []
        if directory.isEmpty {
            try walk("", depth: 0, root: directory, maxFiles: maxFiles, include: include, into: &found)
        } else {
            try checkNoLinkOnPath(to: directory)
            guard let status = Self.status(absolute(directory)) else {
                throw GitSourceError.worktreePathNotFound(path: directory, workingDirectory: workingDirectory)
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: try walk(directory, depth: 0, root: directory, maxFiles: maxFiles, include: include, into: &found)
            case S_IFLNK: throw GitSourceError.symlinkRefused(path: directory)
            default: throw GitSourceError.notAFile(path: directory)
            }
        }
        var total = 0
        for file in found {
            guard file.size <= maxFileSize else {
                throw GitSourceError.fileTooLarge(path: file.path, size: file.size, limit: maxFileSize)
            }
            total += file.size
            guard total <= maxTotalSize else {
                throw GitSourceError.filesTooLarge(path: directory, size: total, limit: maxTotalSize)
            }
        }
        var result: [TreeEntry] = []
        result.reserveCapacity(found.count)
        for file in found {
            let data = try readRegularFile(file.path, maxFileSize: maxFileSize)
            contents[file.path] = data
            result.append(TreeEntry(path: file.path, blob: try Self.blobID(of: data), size: data.count, mode: file.executable ? .executable : .regular))
        }
        return result
    }

    /// The content of an entry listed by ``entries(under:maxFileSize:maxFiles:maxTotalSize:include:)``: the
    /// bytes its id was computed from.
    public func read(_ entry: TreeEntry) throws -> GitFile {
        guard let data = contents[entry.path] else {
            throw GitSourceError.worktreePathNotFound(path: entry.path, workingDirectory: workingDirectory)
        }
        return GitFile(path: entry.path, data: data, mode: entry.mode)
    }

    /// The file at `path` (from the repository root); links (the file or a directory on its path),
    /// submodules, directories, special files and files over `maxFileSize` bytes are refused.
    public func file(at path: String, maxFileSize: Int = 1 << 20) throws -> GitFile {
        let path = LocalRepository.normalise(path)
        try checkNoLinkOnPath(to: path)
        guard let status = Self.status(absolute(path)) else {
            throw GitSourceError.worktreePathNotFound(path: path, workingDirectory: workingDirectory)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard Int(status.st_size) <= maxFileSize else {
                throw GitSourceError.fileTooLarge(path: path, size: Int(status.st_size), limit: maxFileSize)
            }
            let executable = status.st_mode & S_IXUSR != 0
            // The bytes ``blobID(at:)`` computed the id from, when it was asked first.
            let data = try contents[path] ?? readRegularFile(path, maxFileSize: maxFileSize)
            guard data.count <= maxFileSize else {
                throw GitSourceError.fileTooLarge(path: path, size: data.count, limit: maxFileSize)
            }
            return GitFile(path: path, data: data, mode: executable ? .executable : .regular)
        case S_IFLNK: throw GitSourceError.symlinkRefused(path: path)
        case S_IFDIR where isSubmodule(path): throw GitSourceError.submoduleRefused(path: path)
        default: throw GitSourceError.notAFile(path: path)
        }
    }

    /// The content id of the regular file at `path`, or `nil` when none is there (missing, a directory, a
    /// link, over ``maxFileSize``): reading it then says why. Reads the file, once: ``file(at:maxFileSize:)``
    /// returns the same bytes.
    public func blobID(at path: String) throws -> BlobID? {
        let path = LocalRepository.normalise(path)
        if let data = contents[path] { return try Self.blobID(of: data) }
        guard (try? checkNoLinkOnPath(to: path)) != nil, let status = Self.status(absolute(path)),
            status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) <= maxFileSize,
            let data = try? readRegularFile(path, maxFileSize: maxFileSize)
        else { return nil }
        contents[path] = data
        return try Self.blobID(of: data)
    }

    // MARK: - Walk

    private func walk(
        _ directory: String, depth: Int, root: String, maxFiles: Int, include: (String) -> Bool,
        into found: inout [(path: String, size: Int, executable: Bool)]
    ) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? workingDirectory : absolute(directory)).sorted()
        } catch {
            throw GitSourceError.cacheUnavailable(path: absolute(directory), reason: "cannot list the directory: \(error.localizedDescription)")
        }
        for name in names where name != ".git" {
            let path = directory.isEmpty ? name : "\(directory)/\(name)"
            guard let status = Self.status(absolute(path)) else { continue }  // gone meanwhile
            let kind = status.st_mode & S_IFMT
            if try isIgnoredAndUntracked(path, directory: kind == S_IFDIR) { continue }
            switch kind {
            case S_IFDIR:
                if isSubmodule(path) { throw GitSourceError.submoduleRefused(path: path) }
                // As in a commit's tree: the walk recurses once per level.
                guard depth < ReadLimits.maxDirectoryDepth else {
                    throw GitSourceError.tooDeep(path: path, limit: ReadLimits.maxDirectoryDepth)
                }
                try walk(path, depth: depth + 1, root: root, maxFiles: maxFiles, include: include, into: &found)
            case S_IFLNK:
                throw GitSourceError.symlinkRefused(path: path)
            case S_IFREG:
                guard include(path) else { continue }
                guard found.count < maxFiles else {
                    throw GitSourceError.tooManyFiles(path: root, count: found.count + 1, limit: maxFiles)
                }
                found.append((path, Int(status.st_size), status.st_mode & S_IXUSR != 0))
            default:
                // A FIFO, socket or device: never opened.
                guard include(path) else { continue }
                throw GitSourceError.notAFile(path: path)
            }
        }
    }

    /// Refuses a link on the way to `path` (the last component is the caller's to check).
    private func checkNoLinkOnPath(to path: String) throws {
        let components = path.split(separator: "/")
        guard components.count > 1 else { return }
        for depth in 1..<components.count {
            let prefix = components.prefix(depth).joined(separator: "/")
            guard let status = Self.status(absolute(prefix)) else {
                throw GitSourceError.worktreePathNotFound(path: path, workingDirectory: workingDirectory)
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: if isSubmodule(prefix) { throw GitSourceError.submoduleRefused(path: prefix) }
            case S_IFLNK: throw GitSourceError.symlinkRefused(path: prefix)
            default: throw GitSourceError.notAFile(path: prefix)
            }
        }
    }

    /// A directory holding a `.git` of its own: a submodule or a nested repository, not this one's content.
    private func isSubmodule(_ path: String) -> Bool {
        Self.status(absolute(path) + "/.git") != nil
    }

    /// Ignored by git and not tracked (a tracked file stays part of the commit whatever `.gitignore` says).
    private func isIgnoredAndUntracked(_ path: String, directory: Bool) throws -> Bool {
        var ignored: Int32 = 0
        try LibGit2.check("git_ignore_path_is_ignored", git_ignore_path_is_ignored(&ignored, repository.pointer, directory ? path + "/" : path))
        guard ignored == 1 else { return false }
        if directory {
            var position = 0
            let found = git_index_find_prefix(&position, index, path + "/")
            git_error_clear()
            return found != 0
        }
        let entry = git_index_get_bypath(index, path, 0)
        git_error_clear()
        return entry == nil
    }

    // MARK: - Reading

    private func absolute(_ path: String) -> String {
        path.isEmpty ? workingDirectory : workingDirectory + "/" + path
    }

    private static func status(_ absolutePath: String) -> stat? {
        var status = stat()
        return lstat(absolutePath, &status) == 0 ? status : nil
    }

    /// The bytes of a regular file, at most `maxFileSize` of them: opened without following a link, checked
    /// to be a regular file on the open descriptor, and refused if it grew past the bound since it was listed.
    private func readRegularFile(_ path: String, maxFileSize: Int) throws -> Data {
        let descriptor = open(absolute(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ELOOP { throw GitSourceError.symlinkRefused(path: path) }
            if errno == ENOENT { throw GitSourceError.worktreePathNotFound(path: path, workingDirectory: workingDirectory) }
            throw GitSourceError.notAFile(path: path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw GitSourceError.notAFile(path: path)
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GitSourceError.notAFile(path: path)
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
            guard data.count <= maxFileSize else {
                throw GitSourceError.fileTooLarge(path: path, size: data.count, limit: maxFileSize)
            }
        }
        return data
    }

    /// The git blob id of `data`: the id the file would have once committed.
    static func blobID(of data: Data) throws -> BlobID {
        var oid = git_oid()
        // An empty buffer may have no address; libgit2 wants one.
        let bytes = data.isEmpty ? [0] : [UInt8](data)
        try bytes.withUnsafeBytes { buffer in
            _ = try LibGit2.check("git_odb_hash", git_odb_hash(&oid, buffer.baseAddress, data.count, GIT_OBJECT_BLOB))
        }
        return BlobID(trusted: oid.hex)
    }
}

/// `read(2)`, named apart from ``WorktreeReader/read(_:)``.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
