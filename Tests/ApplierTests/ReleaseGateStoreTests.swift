import Foundation
import Pipeline
import Testing
import WriftAIModels
import WriftSyncTesting

/// The release gate's store records a version as pending before it is created, unless its digest was
/// quarantined for the same declaration in the meantime (by another process, or after a plan was saved):
/// checked and written under one lock, so that such a create never overwrites the quarantine.
@Suite struct ReleaseGateStoreTests {
    static func entry(_ seed: Int, fingerprint: String, _ status: ReleaseGateStore.Entry.Status, reason: String? = nil) -> ReleaseGateStore.Entry {
        ReleaseGateStore.Entry(
            model: "alice/s", digest: digest(seed), fingerprint: fingerprint, status: status, reason: reason, at: "2026-12-02T00:00:00Z"
        )
    }

    /// A state file that exists but cannot be read is an error, not an empty state: read as none, every
    /// quarantine in it was forgotten, and the next record replaced the file with that loss.
    @Test func aStateFileThatCannotBeReadIsAnErrorNotAnEmptyState() throws {
        let directory = try TemporaryDirectory("gate-store")
        let store = ReleaseGateStore(stateDirectory: directory.path)
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: true)
        #expect(throws: StateFileError.self) { _ = try store.entries() }
        #expect(throws: StateFileError.self) { try store.record(Self.entry(3, fingerprint: "f1", .quarantined, reason: "failed")) }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: store.path, isDirectory: &isDirectory) && isDirectory.boolValue, "left as it was")
        // A file not there yet is an empty state.
        #expect(try ReleaseGateStore(stateDirectory: directory.path + "/fresh").entries().isEmpty)
    }

    @Test(arguments: [
        ("the same declaration: refused, the quarantine kept", 3, "f1", true),
        ("a changed declaration: recorded pending, the quarantine lifted", 3, "f2", false),
        ("another digest: recorded pending", 4, "f1", false),
    ])
    func aPendingRecordNeverOverwritesAQuarantineOfItsDeclaration(_ name: String, _ seed: Int, _ fingerprint: String, _ refused: Bool) throws {
        let directory = try TemporaryDirectory("gate-store")
        let store = ReleaseGateStore(stateDirectory: directory.path)
        try store.record(Self.entry(3, fingerprint: "f1", .quarantined, reason: "smoke case 1 failed"))

        let quarantine = try store.recordPending(Self.entry(seed, fingerprint: fingerprint, .pending))
        #expect((quarantine != nil) == refused)
        #expect(quarantine?.reason == (refused ? "smoke case 1 failed" : nil))
        let entries = try store.entries()
        let asked = entries.first { $0.digest == digest(seed) }
        #expect(asked?.status == (refused ? .quarantined : .pending))
        #expect(asked?.fingerprint == (refused ? "f1" : fingerprint))
        #expect(entries.count == (seed == 3 ? 1 : 2), "\(entries)")
    }
}
