import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// A commit's author, committer and subject, read through libgit2 for events and the history.
@Suite(.onOwnThreads) struct CommitDetailsTests {
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
            return function == "git_odb_read_header"
        }
    }

    @Test(arguments: [
        ("Add v3", "Add v3"),
        ("Add v3\n\nThe body is not part of the subject.", "Add v3"),
        ("Wrapped subject\nover two lines\n\nbody", "Wrapped subject over two lines"),
        ("Bell\u{7} and \u{1B}[31mred\u{1B}[0m", "Bell and [31mred [0m"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        (String(repeating: "x", count: 300), String(repeating: "x", count: 199) + "…"),
    ])
    func theSubjectIsTheFirstParagraphOnOneBoundedLine(_ message: String, _ subject: String) throws {
        let repository = try TestRepository(files: ["README.md": "x\n"])
        try repository.write("README.md", "y\n")
        let commit = try repository.commit(message)
        let local = LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path))
        let details = try local.details(of: commit)
        #expect(details.commit == commit)
        #expect(details.subject == subject)
        #expect(details.author.name == "Test" && details.author.email == "test@example.invalid")
        #expect(abs(details.author.time.timeIntervalSinceNow) < 3600)
    }

    @Test func namesAreBoundedToo() {
        let person = CommitDetails.Person(name: String(repeating: "n", count: 300) + "\u{1B}", email: "e@example.com", time: Date(timeIntervalSince1970: 0))
        #expect(person.name.count == CommitDetails.Person.maxLength && person.name.hasSuffix("…"))
    }

    @Test func aTreeIsNotACommit() throws {
        let repository = try TestRepository(files: ["README.md": "x\n"])
        let tree = try CommitID(hex: repository.git("rev-parse", "HEAD^{tree}"))!
        let local = LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path))
        #expect(throws: GitSourceError.self) { try local.details(of: tree) }
    }
}
