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
