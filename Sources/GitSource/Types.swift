import Foundation

/// A full commit id (40 lowercase hex digits).
public struct CommitID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let hex: String

    public init?(hex: String) {
        guard hex.count == 40, hex.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = hex.lowercased()
    }

    init(trusted hex: String) {
        self.hex = hex
    }

    /// The first 12 digits, for humans.
    public var short: String { String(hex.prefix(12)) }
    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = CommitID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a 40-digit commit id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

/// A blob's id (40 lowercase hex digits): the same id means the same content.
public struct BlobID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let hex: String

    init(trusted hex: String) {
        self.hex = hex
    }

    public var description: String { hex }
}

/// A file found in a commit's tree, not read yet.
public struct TreeEntry: Sendable, Hashable {
    /// The path from the repository root, with `/` separators.
    public let path: String
    /// Its content's id.
    public let blob: BlobID
    /// Its size in bytes, from the object header.
    public let size: Int
    /// How git stores it.
    public let mode: GitFile.Mode
}

/// A ref resolved to a commit.
public struct ResolvedRef: Sendable, Hashable {
    /// What the ref turned out to be.
    public enum Kind: String, Sendable, Hashable {
        case branch, tag, commit, head
    }

    /// The full ref name (`refs/heads/main`), or the commit id when a commit was named.
    public let name: String
    public let kind: Kind
    public let commit: CommitID
}

/// A file read from a commit's tree.
public struct GitFile: Sendable, Hashable {
    /// How git stores the file.
    public enum Mode: String, Sendable, Hashable {
        case regular = "100644"
        case executable = "100755"
    }

    /// The path from the repository root, with `/` separators.
    public let path: String
    public let data: Data
    public let mode: Mode
}

/// Paths that differ between two commits, under one directory.
public struct TreeChanges: Sendable, Hashable {
    public var added: [String] = []
    public var modified: [String] = []
    public var deleted: [String] = []

    public init(added: [String] = [], modified: [String] = [], deleted: [String] = []) {
        self.added = added
        self.modified = modified
        self.deleted = deleted
    }

    public var isEmpty: Bool { added.isEmpty && modified.isEmpty && deleted.isEmpty }
    /// Every changed path, sorted.
    public var allPaths: [String] { (added + modified + deleted).sorted() }
}

/// What a fetch did, from libgit2's transfer statistics.
public struct FetchStats: Sendable, Hashable {
    /// True when this was the first fetch into a new mirror.
    public var cloned = false
    /// True when the repository is a local path read in place (nothing is fetched).
    public var readInPlace = false
    /// Objects the server sent in the pack.
    public var receivedObjects = 0
    /// Objects in the pack, including those resolved from local objects.
    public var totalObjects = 0
    /// Bytes received for the pack.
    public var receivedBytes = 0
    /// Refs created, moved or deleted in the mirror.
    public var updatedRefs = 0
    /// Wall time of the fetch, lock wait included.
    public var seconds = 0.0
}
