import Declarations
import Foundation
import GitSource

/// The declarations at one commit of the repository: fetch, resolve, read `--path`, parse and validate.
/// Shared by every subcommand that reads declarations.
struct DeclarationSource {
    let spec: RepositorySpec
    let repository: LocalRepository
    let resolved: ResolvedRef
    let files: [GitFile]
    let result: Result<[ModelDeclaration], DeclarationErrors>

    init(git: GitOptions) throws {
        let (spec, source) = try git.makeSource()
        let synced = try source.sync(spec)
        let resolved = try synced.repository.resolve(git.ref)
        let directory = git.path
        let files = try synced.repository.files(at: resolved.commit, under: directory, maxFileSize: git.maxFileSize) {
            DeclarationLoader.isDeclarationPath($0, under: directory)
        }
        let repository = synced.repository
        let maxFileSize = git.maxFileSize
        self.spec = spec
        self.repository = repository
        self.resolved = resolved
        self.files = files
        self.result = DeclarationLoader().load(files.map { DeclarationFile(path: $0.path, data: Array($0.data)) }) { path in
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
    var revision: String { "\(resolved.commit.short) (\(resolved.name))" }
}
