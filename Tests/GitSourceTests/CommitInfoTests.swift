import Foundation
@testable import GitSource
import Testing

/// A commit's author and subject, read through libgit2 for the status page: anyone's text, made one bounded
/// printable line.
@Suite struct CommitInfoTests {
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
        let info = try local.commitInfo(commit)
        #expect(info.commit == commit)
        #expect(info.subject == subject)
        #expect(info.authorName == "Test" && info.authorEmail == "test@example.invalid")
        #expect(abs(info.authoredAt.timeIntervalSinceNow) < 3600)
    }

    @Test func aTreeIsNotACommit() throws {
        let repository = try TestRepository(files: ["README.md": "x\n"])
        let tree = try CommitID(hex: repository.git("rev-parse", "HEAD^{tree}"))!
        let local = LocalRepository(path: repository.path, spec: try RepositorySpec(repository.path))
        #expect(throws: GitSourceError.self) { try local.commitInfo(tree) }
    }
}
