import CLibGit2
import Foundation

/// A repository on local disk — a mirror in the cache, or a local path read in place — from which refs
/// are resolved and files read. Each call opens its own libgit2 handle, so a value can be shared freely.
public struct LocalRepository: Sendable {
    /// The repository's directory.
    public let path: String
    /// The repository it mirrors.
    public let spec: RepositorySpec

    public init(path: String, spec: RepositorySpec) {
        self.path = path
        self.spec = spec
    }

    /// Resolves a branch, tag, full ref name, or full or abbreviated commit id to a commit; nil means the
    /// remote's default branch (HEAD). A full commit id is that commit, as in git: a branch or tag named like
    /// it (which anyone allowed to push a branch could make) does not take it over. A name that is both a
    /// branch and a tag is refused; refs win over an abbreviated id.
    public func resolve(_ ref: String?) throws -> ResolvedRef {
        let repository = try GitRepository.open(path)
        guard let ref, !ref.isEmpty, ref != "HEAD" else {
            var head: OpaquePointer?
            let code = git_repository_head(&head, repository.pointer)
            if code == GIT_EUNBORNBRANCH.rawValue || code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                throw GitSourceError.emptyRepository(url: spec.url)
            }
            try LibGit2.check("git_repository_head", code)
            defer { git_reference_free(head) }
            let name = String(cString: git_reference_name(head))
            guard let commit = try repository.commit(ofReference: name) else {
                throw GitSourceError.emptyRepository(url: spec.url)
            }
            return ResolvedRef(name: name, kind: .head, commit: commit)
        }
        let isHex = ref.allSatisfy(\.isHexDigit)
        if ref.count == Self.fullIDLength, isHex {
            // As git reads it: an object name, never looked up as a branch (one pushed with the name of a pinned
            // commit that is no longer fetched would otherwise be applied in its place).
            guard let commit = try repository.commit(withPrefix: ref.lowercased()) else {
                throw GitSourceError.refNotFound(ref: ref, url: spec.url, available: [])
            }
            return ResolvedRef(name: commit.hex, kind: .commit, commit: commit)
        }
        let candidates: [(String, ResolvedRef.Kind)] = ref.hasPrefix("refs/")
            ? [(ref, ref.hasPrefix("refs/tags/") ? .tag : .branch)]
            : [("refs/heads/\(ref)", .branch), ("refs/tags/\(ref)", .tag)]
        let found = try candidates.compactMap { name, kind in
            try repository.commit(ofReference: name).map { ResolvedRef(name: name, kind: kind, commit: $0) }
        }
        // A branch pushed with a protected tag's name must not silently replace what the tag pins.
        guard found.count <= 1 else { throw GitSourceError.ambiguousRef(ref: ref, url: spec.url) }
        if let resolved = found.first { return resolved }
        if (4..<Self.fullIDLength).contains(ref.count), isHex, let commit = try repository.commit(withPrefix: ref.lowercased()) {
            return ResolvedRef(name: commit.hex, kind: .commit, commit: commit)
        }
        let available = try (repository.referenceNames(matching: "refs/heads/*") + repository.referenceNames(matching: "refs/tags/*"))
            .prefix(10)
            .map { $0.replacingOccurrences(of: "refs/heads/", with: "").replacingOccurrences(of: "refs/tags/", with: "tag ") }
        throw GitSourceError.refNotFound(ref: ref, url: spec.url, available: Array(available))
    }

    /// Hex digits in a full (SHA-1) commit id.
    private static let fullIDLength = 40

    /// Reads every file under `directory` (recursively; "" or "." for the whole tree) at `commit`, sorted by
    /// path. Symbolic links and submodules under it are refused, as are included files over `maxFileSize`
    /// bytes, more than `maxFiles` included files, and included files over `maxTotalSize` bytes together
    /// (sizes come from object headers, so a refused file is never inflated). `include` picks files by
    /// path before any content is read.
    public func files(
        at commit: CommitID,
        under directory: String,
        maxFileSize: Int = 1 << 20,
        maxFiles: Int = ReadLimits.defaultMaxFiles,
        maxTotalSize: Int = ReadLimits.defaultMaxTotalSize,
        include: (String) -> Bool = { _ in true }
    ) throws -> [GitFile] {
        let repository = try GitRepository.open(path)
        let reader = try TreeReader(repository: repository, maxFileSize: maxFileSize, maxFiles: maxFiles, maxTotalSize: maxTotalSize)
        return try reader.read(commit: commit, directory: Self.normalise(directory), include: include)
    }

    /// A reader of the files of `commit` through one open repository, for many reads on one thread.
    public func reader(at commit: CommitID) throws -> CommitReader {
        try CommitReader(repository: GitRepository.open(path), commit: commit)
    }

    /// Reads one file at `commit`; links (the file or a directory on its path), submodules, directories and
    /// files over `maxFileSize` bytes are refused.
    public func file(at commit: CommitID, path: String, maxFileSize: Int = 1 << 20) throws -> GitFile {
        let repository = try GitRepository.open(self.path)
        let reader = try TreeReader(repository: repository, maxFileSize: maxFileSize)
        return try reader.readFile(commit: commit, path: Self.normalise(path))
    }

    /// Paths added, modified and deleted under `directory` between two commits.
    public func changes(from old: CommitID, to new: CommitID, under directory: String) throws -> TreeChanges {
        let repository = try GitRepository.open(path)
        return try TreeDiff.changes(in: repository, from: old, to: new, directory: Self.normalise(directory))
    }

    /// `models/`, `./models` and `/models` all mean `models`; "" means the root.
    static func normalise(_ directory: String) -> String {
        directory
            .split(separator: "/")
            .filter { $0 != "." && !$0.isEmpty }
            .joined(separator: "/")
    }
}

/// The default bounds on what one read of a directory may hold, so that a hostile repository costs
/// bounded time and memory (each file is also bounded by its own `maxFileSize`).
public enum ReadLimits {
    /// Files read from the directory (after `include`).
    public static let defaultMaxFiles = 10_000
    /// Bytes of all those files together.
    public static let defaultMaxTotalSize = 32 << 20
    /// Directories nested below the directory read.
    public static let maxDirectoryDepth = 64
}
