import CLibGit2

/// Reads the files of one commit through one open repository: a tree walk that lists files with their blob
/// ids without reading them, then only the blobs wanted. Not thread-safe (libgit2's rule): use it on the
/// thread that made it.
public final class CommitReader {
    /// The commit read.
    public let commit: CommitID
    private let repository: GitRepository

    init(repository: GitRepository, commit: CommitID) {
        self.repository = repository
        self.commit = commit
    }

    /// Every file under `directory` that `include` accepts, with its blob id and size, none of them read:
    /// links and submodules under it are refused, as are more than `maxFiles` files, a file over
    /// `maxFileSize` bytes and files over `maxTotalSize` bytes together (sizes from object headers).
    public func entries(
        under directory: String,
        maxFileSize: Int = 1 << 20,
        maxFiles: Int = ReadLimits.defaultMaxFiles,
        maxTotalSize: Int = ReadLimits.defaultMaxTotalSize,
        include: (String) -> Bool = { _ in true }
    ) throws -> [TreeEntry] {
        let reader = try TreeReader(repository: repository, maxFileSize: maxFileSize, maxFiles: maxFiles, maxTotalSize: maxTotalSize)
        return try reader.entries(commit: commit, directory: LocalRepository.normalise(directory), include: include)
    }

    /// The content of an entry listed by ``entries(under:maxFileSize:maxFiles:maxTotalSize:include:)``.
    public func read(_ entry: TreeEntry) throws -> GitFile {
        try TreeReader(repository: repository, maxFileSize: .max).readBlob(entry)
    }

    /// The file at `path`; links (the file or a directory on its path), submodules, directories and files
    /// over `maxFileSize` bytes are refused.
    public func file(at path: String, maxFileSize: Int = 1 << 20) throws -> GitFile {
        try TreeReader(repository: repository, maxFileSize: maxFileSize).readFile(commit: commit, path: LocalRepository.normalise(path))
    }

    /// The blob id of the regular file at `path`, or `nil` when none is there (reading it then says why).
    /// Cheap: only the trees on the way are read, so a caller can tell whether a file read before changed.
    public func blobID(at path: String) throws -> BlobID? {
        try TreeReader(repository: repository, maxFileSize: .max).blobID(commit: commit, path: LocalRepository.normalise(path))
    }
}
