import Foundation
import GitSource
import Pipeline
import Testing
import WriftSyncTesting

/// The record of applied commits lives in the state directory, which is backed up and read by people: a token
/// some hosts take in the repository URL's query must not be written there.
@Suite struct AppliedCommitStoreTests {
    @Test func aTokenInTheRepositoryQueryIsNotWrittenAndTheRecordStillReadsBack() throws {
        let state = try TemporaryDirectory("applied-commits")
        let spec = try RepositorySpec("https://git.example.com/team/models.git?private_token=glpat-SECRET")
        let commit = try #require(CommitID(hex: String(repeating: "ab", count: 20)))
        let store = AppliedCommitStore(stateDirectory: state.path, repository: spec, ref: "main")
        try store.record(commit)
        let written = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(!written.contains("SECRET"))
        #expect(written.contains("private_token=***"))
        // A restart with another token for the same repository finds what was applied.
        let restarted = AppliedCommitStore(
            stateDirectory: state.path, repository: try RepositorySpec("https://git.example.com/team/models.git?private_token=rotated"), ref: "main"
        )
        #expect(try restarted.lastApplied() == commit)
        let otherRef = AppliedCommitStore(stateDirectory: state.path, repository: spec, ref: "release")
        #expect(try otherRef.lastApplied() == nil)
    }
}
