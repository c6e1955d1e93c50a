import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// The bounds on one read of a directory: how many files, and how many bytes together. Both are checked
/// from the tree and the object headers before any content is inflated.
@Suite struct ReadLimitTests {
    func local(_ repository: TestRepository) throws -> LocalRepository {
        try SourceFixture().sync(repository.path).repository
    }

    @Test func moreFilesThanTheCapAreRefusedNamingTheDirectory() throws {
        let repository = try TestRepository()
        let head = try repository.importFiles(count: 30, path: { "models/many/f\($0).yaml" }, content: { "n: \($0)\n" })
        let repo = try local(repository)
        #expect(gitError { try repo.files(at: head, under: "models", maxFiles: 10) } == .tooManyFiles(path: "models", count: 11, limit: 10))
        #expect(try repo.files(at: head, under: "models", maxFiles: 32).count == 32, "30 files and the 2 of the initial commit")
        // Only the files `include` picks count.
        #expect(try repo.files(at: head, under: "models", maxFiles: 10, include: { !$0.contains("/many/") }).count == 2)
        #expect(GitSourceError.tooManyFiles(path: "models", count: 11, limit: 10).description
            == "models: holds more than 10 files to read (stopped counting at 11); remove some or raise --max-files.")
    }

    @Test func filesLargerTogetherThanTheCapAreRefused() throws {
        let repository = try TestRepository(files: ["models/a.yaml": String(repeating: "a", count: 600), "models/b.yaml": String(repeating: "b", count: 600)])
        let head = try repository.head()
        let repo = try local(repository)
        #expect(gitError { try repo.files(at: head, under: "models", maxTotalSize: 1000) } == .filesTooLarge(path: "models", size: 1200, limit: 1000))
        #expect(try repo.files(at: head, under: "models", maxTotalSize: 1200).count == 2)
        #expect(GitSourceError.filesTooLarge(path: "", size: 1200, limit: 1000).description
            == "the repository: the files to read total more than 1000 bytes (at least 1200); remove some or raise --max-total-size.")
    }
}
