import Foundation
import Testing
@testable import GitSource

/// A commit's author, committer and subject, read through libgit2 for events and the history.
@Suite struct CommitDetailsTests {
    @Test func theAuthorCommitterAndSubjectOfACommit() throws {
        let repository = try TestRepository()
        try repository.write("models/c.yaml", "model: acme/c\n")
        var environment = Shell.environment(home: repository.path)
        environment["GIT_AUTHOR_NAME"] = "Ada Lovelace"
        environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
        environment["GIT_AUTHOR_DATE"] = "2026-11-01T10:00:00Z"
        environment["GIT_COMMITTER_NAME"] = "Merge Bot"
        environment["GIT_COMMITTER_EMAIL"] = "bot@example.com"
        environment["GIT_COMMITTER_DATE"] = "2026-11-02T12:30:00Z"
        try Shell.run(["git", "add", "-A"], in: repository.path, environment: environment)
        try Shell.run(["git", "commit", "-q", "-m", "acme/c: add the model\n\nA longer body\nthat is not the subject."], in: repository.path, environment: environment)
        let head = try repository.head()
        let local = try SourceFixture().sync(repository.path).repository

        let details = try local.details(of: head)
        #expect(details.commit == head)
        #expect(details.author == .init(name: "Ada Lovelace", email: "ada@example.com", time: Date(timeIntervalSince1970: 1_793_527_200)))
        #expect(details.committer.name == "Merge Bot" && details.committer.time == Date(timeIntervalSince1970: 1_793_622_600))
        #expect(details.subject == "acme/c: add the model")
    }

    @Test func aSubjectIsOnePrintableLineOfBoundedLength() {
        let commit = CommitID(hex: String(repeating: "a", count: 40))!
        let person = CommitDetails.Person(name: "x", email: "x@example.com", time: Date(timeIntervalSince1970: 0))
        let escaped = CommitDetails(commit: commit, author: person, committer: person, subject: "fix\u{1B}[31m red\ttabs  and\r\nbreaks")
        #expect(escaped.subject == "fix [31m red tabs and breaks")
        let long = CommitDetails(commit: commit, author: person, committer: person, subject: String(repeating: "w", count: 500))
        #expect(long.subject.count == CommitDetails.maxSubjectLength && long.subject.hasSuffix("…"))
    }

    @Test func anUnknownCommitIsAnErrorNamingTheLibgit2Call() throws {
        let repository = try TestRepository()
        let local = try SourceFixture().sync(repository.path).repository
        #expect {
            try local.details(of: CommitID(hex: String(repeating: "0", count: 40))!)
        } throws: { error in
            guard case let .libgit2(function, _, _) = error as? GitSourceError else { return false }
            return function == "git_commit_lookup"
        }
    }
}
