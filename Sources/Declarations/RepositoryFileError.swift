/// Why a file referenced by a declaration (a `schemas_file`) could not be read from the repository.
public enum RepositoryFileError: Error, Sendable, Equatable {
    case notFound
    case symbolicLink(path: String)
    case notAFile
    case tooLarge(size: Int, limit: Int)
    case unreadable(String)
}

/// A declaration file read from the repository.
public struct DeclarationFile: Sendable, Equatable {
    /// The path from the repository root.
    public var path: String
    public var data: [UInt8]

    public init(path: String, data: [UInt8]) {
        self.path = path
        self.data = data
    }
}
