import CLibGit2
import Foundation

/// Who made a commit, when, and what it says it does: what events and the history name a commit by, so that
/// "which commit created #12, and who merged it" has an answer.
public struct CommitDetails: Sendable, Hashable, Codable {
    /// A git signature: a name, an e-mail address and a time.
    public struct Person: Sendable, Hashable, Codable {
        /// The name, as the commit gives it.
        public var name: String
        /// The e-mail address, as the commit gives it.
        public var email: String
        /// When (the commit's own clock, which git does not check).
        public var time: Date

        /// The longest name or e-mail address kept; a longer one is cut with `…`.
        public static let maxLength = 100

        /// Creates a signature; the name and address are made printable lines of at most ``maxLength``.
        public init(name: String, email: String, time: Date) {
            self.name = CommitDetails.oneLine(name, limit: Self.maxLength)
            self.email = CommitDetails.oneLine(email, limit: Self.maxLength)
            self.time = time
        }
    }

    /// The longest subject kept; a longer one is cut with `…` (a commit message is anyone's text).
    public static let maxSubjectLength = 200

    /// The commit.
    public var commit: CommitID
    /// Who wrote the change.
    public var author: Person
    /// Who committed it (on a merged pull request, often the forge or the person who merged).
    public var committer: Person
    /// The first paragraph of the message, on one line.
    public var subject: String

    /// Creates details; the subject is made one printable line of at most ``maxSubjectLength`` characters.
    public init(commit: CommitID, author: Person, committer: Person, subject: String) {
        self.commit = commit
        self.author = author
        self.committer = committer
        self.subject = Self.oneLine(subject, limit: Self.maxSubjectLength)
    }

    /// Control characters (a terminal escape in a message) become spaces, runs of spaces one; cut at `limit`.
    static func oneLine(_ text: String, limit: Int) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
        let collapsed = printable.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit - 1)) + "…" : collapsed
    }
}

extension LocalRepository {
    /// The author, committer and subject of `commit`. Blocking (libgit2): call it off the cooperative pool. A
    /// commit object larger than a signed commit may be is refused before it is parsed.
    public func details(of commit: CommitID) throws -> CommitDetails {
        let repository = try GitRepository.open(path)
        let object = try repository.lookUpBoundedCommit(commit)
        defer { git_commit_free(object) }
        guard let author = git_commit_author(object), let committer = git_commit_committer(object) else {
            throw GitSourceError.libgit2(function: "git_commit_author", code: -1, message: "the commit \(commit.short) has no signature")
        }
        // `git_commit_summary` returns NULL only when it cannot allocate; a missing subject reads as empty.
        let summary = git_commit_summary(object).map { String(cString: $0) } ?? ""
        return CommitDetails(commit: commit, author: Self.person(author.pointee), committer: Self.person(committer.pointee), subject: summary)
    }

    private static func person(_ signature: git_signature) -> CommitDetails.Person {
        CommitDetails.Person(
            name: signature.name.map { String(cString: $0) } ?? "",
            email: signature.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(signature.when.time))
        )
    }
}
