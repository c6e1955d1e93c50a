import CLibGit2
import Foundation

/// Who wrote a commit and what it says it does: what the status page (and a person reading it) names a commit
/// by, next to its id. The texts are anyone's: they are made one printable line, bounded, and a renderer still
/// escapes them.
public struct CommitInfo: Sendable, Hashable, Codable {
    /// The longest subject kept; a longer one is cut with `…`.
    public static let maxSubjectLength = 200
    /// The longest author name kept.
    public static let maxNameLength = 100

    /// The commit.
    public var commit: CommitID
    /// The author's name.
    public var authorName: String
    /// The author's e-mail address.
    public var authorEmail: String
    /// When the author wrote it (the commit's own clock, which git does not check).
    public var authoredAt: Date
    /// The first paragraph of the message, on one line.
    public var subject: String

    /// Creates the information; the texts are made single printable lines and cut to their limits.
    public init(commit: CommitID, authorName: String, authorEmail: String, authoredAt: Date, subject: String) {
        self.commit = commit
        self.authorName = Self.oneLine(authorName, limit: Self.maxNameLength)
        self.authorEmail = Self.oneLine(authorEmail, limit: Self.maxNameLength)
        self.authoredAt = authoredAt
        self.subject = Self.oneLine(subject, limit: Self.maxSubjectLength)
    }

    enum CodingKeys: String, CodingKey {
        case commit
        case authorName = "author_name"
        case authorEmail = "author_email"
        case authoredAt = "authored_at"
        case subject
    }

    /// Control characters (a terminal escape in a message) become spaces, runs of spaces one; cut at `limit`.
    static func oneLine(_ text: String, limit: Int) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
        let collapsed = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit - 1)) + "…" : collapsed
    }
}

extension LocalRepository {
    /// The author and subject of `commit`. Blocking (libgit2): call it off the cooperative pool. A commit
    /// object larger than a signed commit may be is refused before it is parsed.
    public func commitInfo(_ commit: CommitID) throws -> CommitInfo {
        let repository = try GitRepository.open(path)
        var oid = git_oid()
        try LibGit2.check("git_oid_fromstr", git_oid_fromstr(&oid, commit.hex))
        var odb: OpaquePointer?
        try LibGit2.check("git_repository_odb", git_repository_odb(&odb, repository.pointer))
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_INVALID
        try LibGit2.check("git_odb_read_header", git_odb_read_header(&size, &type, odb, &oid))
        guard type == GIT_OBJECT_COMMIT else {
            throw GitSourceError.libgit2(function: "git_odb_read_header", code: -1, message: "\(commit.hex) is not a commit")
        }
        guard size <= SignedCommit.maxObjectSize else {
            throw GitSourceError.fileTooLarge(path: "commit \(commit.hex)", size: size, limit: SignedCommit.maxObjectSize)
        }
        var object: OpaquePointer?
        try LibGit2.check("git_commit_lookup", git_commit_lookup(&object, repository.pointer, &oid))
        defer { git_commit_free(object) }
        guard let author = git_commit_author(object)?.pointee else {
            throw GitSourceError.libgit2(function: "git_commit_author", code: -1, message: "the commit \(commit.short) has no author")
        }
        // `git_commit_summary` returns NULL only when it cannot allocate; a missing subject reads as empty.
        let summary = git_commit_summary(object).map { String(cString: $0) } ?? ""
        return CommitInfo(
            commit: commit,
            authorName: author.name.map { String(cString: $0) } ?? "",
            authorEmail: author.email.map { String(cString: $0) } ?? "",
            authoredAt: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
            subject: summary
        )
    }
}
