import Declarations
import Foundation
import GitSource

/// The declarations at one commit of the repository: fetch, resolve, read the directory, parse and validate.
/// Shared by every subcommand that reads declarations, and by the reconciler.
public struct DeclarationSource: Sendable {
    /// The repository.
    public let spec: RepositorySpec
    /// Its local mirror.
    public let repository: LocalRepository
    /// The ref and the commit it resolved to.
    public let resolved: ResolvedRef
    /// The declaration files read.
    public let files: [GitFile]
    /// The declarations, or every problem found in them.
    public let result: Result<[ModelDeclaration], DeclarationErrors>

    /// Fetches `spec` through `source`, resolves `ref` (the remote's HEAD when `nil`) and loads the
    /// declarations under `directory`. Blocks while libgit2 fetches. The declaration files are bounded in
    /// size each, in number and in total size (see `LocalRepository.files`).
    public init(
        spec: RepositorySpec, source: GitSource, ref: String?, directory: String, maxFileSize: Int,
        maxFiles: Int = ReadLimits.defaultMaxFiles, maxTotalSize: Int = ReadLimits.defaultMaxTotalSize
    ) throws {
        let synced = try source.sync(spec)
        let resolved = try synced.repository.resolve(ref)
        let files = try synced.repository.files(
            at: resolved.commit, under: directory, maxFileSize: maxFileSize, maxFiles: maxFiles, maxTotalSize: maxTotalSize
        ) {
            DeclarationLoader.isDeclarationPath($0, under: directory)
        }
        let repository = synced.repository
        self.spec = spec
        self.repository = repository
        self.resolved = resolved
        self.files = files
        self.result = DeclarationLoader(limits: .init(totalSize: maxTotalSize)).load(files.map { DeclarationFile(path: $0.path, data: Array($0.data)) }) { path in
            do {
                return Array(try repository.file(at: resolved.commit, path: path, maxFileSize: maxFileSize).data)
            } catch let error as GitSourceError {
                switch error {
                case .pathNotFound: throw RepositoryFileError.notFound
                case let .symlinkRefused(link): throw RepositoryFileError.symbolicLink(path: link)
                case .notAFile, .submoduleRefused: throw RepositoryFileError.notAFile
                case let .fileTooLarge(_, size, limit): throw RepositoryFileError.tooLarge(size: size, limit: limit)
                default: throw RepositoryFileError.unreadable(error.description)
                }
            }
        }
    }

    /// `abc123def456 (refs/heads/main)`.
    public var revision: String { "\(resolved.commit.short) (\(resolved.name))" }
}
