import Foundation
import GitSource
import Pipeline
import Testing
import WriftSyncTesting

/// The record of the last commit `run` applied, which `--verify-mode all-since-last` verifies every commit since:
/// what cannot be read is an error, never "no commit applied yet" (which would verify the next head alone).
@Suite struct AppliedCommitStoreTests {
    static let commit = CommitID(hex: String(repeating: "ab", count: 20))!

    @Test func aRecordedCommitIsReadBack() throws {
        let directory = try TemporaryDirectory("applied-commits")
        let store = AppliedCommitStore(stateDirectory: directory.path, repository: try RepositorySpec("/srv/models.git"), ref: "main")
        #expect(try store.lastApplied() == nil, "nothing applied yet")
        try store.record(Self.commit)
        #expect(try store.lastApplied() == Self.commit)
    }

    /// The record was keyed by the ref as spelled: a redeploy with `--ref main` where none was given (or
    /// `refs/heads/main` for `main`) missed it, and verified the next head alone. Keyed by the resolved name, every
    /// spelling of one branch finds it; a record under an older spelling is read, and moved on the next write.
    @Test func everySpellingOfOneBranchFindsTheRecord() throws {
        let directory = try TemporaryDirectory("applied-commits")
        let spec = try RepositorySpec("/srv/models.git")
        let legacy = AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: nil)
        try legacy.record(Self.commit)
        let spellings: [String?] = [nil, "main", "refs/heads/main", "HEAD"]
        for ref in spellings {
            let store = AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: ref, resolved: "refs/heads/main")
            #expect(try store.lastApplied() == (ref == nil || ref == "HEAD" ? Self.commit : nil), "\(ref ?? "nil"), before the move")
        }
        let next = CommitID(hex: String(repeating: "cd", count: 20))!
        try AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: nil, resolved: "refs/heads/main").record(next)
        for ref in spellings {
            let store = AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: ref, resolved: "refs/heads/main")
            #expect(try store.lastApplied() == next, "\(ref ?? "nil")")
        }
        #expect(try legacy.lastApplied() == next, "HEAD's record is kept: a default branch that changes still finds it")
        #expect(try AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: "dev", resolved: "refs/heads/dev").lastApplied() == nil)
        // The default branch changed to dev, no --ref given: the last commit applied to main is still known.
        #expect(try AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: nil, resolved: "refs/heads/dev").lastApplied() == next)
        // A given spelling moves to the resolved name.
        let third = CommitID(hex: String(repeating: "ef", count: 20))!
        try AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: "main", resolved: "refs/heads/main").record(third)
        #expect(try AppliedCommitStore(stateDirectory: directory.path, repository: spec, ref: "refs/heads/main", resolved: "refs/heads/main").lastApplied() == third)
    }

    /// A ref given in full is its own resolved name: the record under it was written, then removed as the old
    /// spelling, by the same write, and every restart verified the next head alone.
    @Test(arguments: ["refs/heads/main", "refs/tags/v1"])
    func aRefGivenInFullKeepsItsRecord(_ ref: String) throws {
        let directory = try TemporaryDirectory("applied-commits")
        let store = AppliedCommitStore(stateDirectory: directory.path, repository: try RepositorySpec("/srv/models.git"), ref: ref, resolved: ref)
        try store.record(Self.commit)
        #expect(try store.lastApplied() == Self.commit)
    }

    /// Damage that used to read as "nothing applied yet": a commit field that is not a commit id, and a file
    /// that cannot be read at all (here a directory in its place).
    @Test(arguments: ["a commit that is not one", "a directory in the file's place"])
    func damageIsAnErrorNotAFirstRun(_ damage: String) throws {
        let directory = try TemporaryDirectory("applied-commits")
        let store = AppliedCommitStore(stateDirectory: directory.path, repository: try RepositorySpec("/srv/models.git"), ref: "main")
        if damage == "a commit that is not one" {
            try store.record(Self.commit)
            let text = try String(contentsOfFile: store.path, encoding: .utf8)
            try text.replacingOccurrences(of: Self.commit.hex, with: "zz").write(toFile: store.path, atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        }
        #expect(throws: StateFileError.self) { _ = try store.lastApplied() }
    }
}
