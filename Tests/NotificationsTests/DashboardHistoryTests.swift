@testable import Controller
import Foundation
import Notifications
import Pipeline
import Planner
import Testing
import WriftSyncTesting

/// The status page's history with a durable one kept: the records of `history.jsonl` (which outlive a
/// restart) with the drift this process found but did not correct (which the file does not keep).
@Suite struct DashboardHistoryTests {
    static func entry(_ kind: HistoryEntry.Kind, at seconds: Double, model: String = "acme/a") -> HistoryEntry {
        HistoryEntry(time: Date(timeIntervalSince1970: seconds), kind: kind, trigger: "drift interval", commit: "c\(Int(seconds))", models: [model])
    }

    @Test func durableRecordsAndDriftFoundInMemoryNewestFirst() async throws {
        let directory = try TemporaryDirectory("dashboard-history")
        let store = HistoryStore(configuration: .init(directory: directory.path))
        try await HistoryStoreTests.append(store, HistoryStoreTests.applied("acme/a", number: 1, at: 100))
        try await HistoryStoreTests.append(store, HistoryStoreTests.applied("acme/b", number: 1, at: 300))
        try await HistoryStoreTests.append(store, HistoryStoreTests.record(report(failure: stalledFailure()), at: 400))
        let recent = RecentReconciles()
        recent.append(Self.entry(.driftDetected, at: 200))
        recent.append(Self.entry(.failed, at: 400))  // in the file too: shown once

        let combined = CombinedHistory(durable: store, recent: recent)
        let all = try await combined.records(model: nil, limit: 10)
        #expect(all.map(\.time.timeIntervalSince1970) == [400, 300, 200, 100])
        #expect(all.map(\.kind) == [.failed, .applied, .driftDetected, .applied])
        #expect(all[1].changes.first?.number == 1 && all[1].changes.first?.outcome == "created")
        #expect(all[0].failureClass == "stalled" && all[0].message?.contains("1 problem in the declarations") == true, "\(all[0])")
        #expect(try await combined.records(model: nil, limit: 2).map(\.time.timeIntervalSince1970) == [400, 300])
        #expect(try await combined.records(model: "acme/b", limit: 10).map(\.time.timeIntervalSince1970) == [400, 300], "b's create and the whole failure")
    }

    @Test(arguments: [
        (ReconcileTrigger.driftInterval, true, HistoryEntry.Kind.driftCorrected),
        (.tick, false, .applied),
        (.driftInterval, false, .applied),
        (.start, true, .applied),
        // A full reconcile run as a retry, or for a webhook, that corrected drift: "applied" from disk before,
        // "drift corrected" in memory.
        (.retry, true, .driftCorrected),
        (.webhook, true, .driftCorrected),
    ])
    func aRecordThatAppliedIsDriftCorrectedOnlyWhenAFullReconcileFoundDrift(_ trigger: ReconcileTrigger, _ drifted: Bool, _ kind: HistoryEntry.Kind) {
        let created = plan([change("acme/a", .create, seed: 1)])
        let applied = report(plan: created, applied: result(of: created), changed: drifted ? [] : ["acme/a"], drifted: drifted ? ["acme/a"] : [])
        let record = HistoryStoreTests.record(applied, at: 100, trigger: trigger)
        #expect(HistoryEntry(record).kind == kind)
        #expect(HistoryEntry(record).trigger == trigger.rawValue.replacingOccurrences(of: "_", with: " "))
    }

    /// The page's in-memory entries named what started them in words of their own ("new commit", "full reconcile"),
    /// beside the durable records' ("tick", "webhook") on one timeline: a webhook's run read as "new commit".
    @Test(arguments: [ReconcileTrigger.start, .tick, .driftInterval, .webhook, .retry])
    func anEntryNamesWhatStartedItAsTheRecordDoes(_ trigger: ReconcileTrigger) throws {
        let failing = report(failure: transientFailure())
        let request = ReconcileRequest(full: trigger != .tick, lastAppliedCommit: trigger == .start ? nil : "b", trigger: trigger)
        let inMemory = try #require(HistoryEntry(failing, request: request, duration: .seconds(1), at: Date(timeIntervalSince1970: 100)))
        #expect(inMemory.trigger == HistoryEntry(HistoryStoreTests.record(failing, at: 100, trigger: trigger)).trigger)
    }

    /// A listing that moved under the plan is a rail's refusal in `history.jsonl`; in memory it was a failure.
    @Test func aListingMismatchIsARefusalFromDiskAndInMemory() async throws {
        let mismatch = report(failure: ReconcileFailure(.check, .listingMismatch([])))
        let request = ReconcileRequest(full: false, lastAppliedCommit: "b")
        let inMemory = try #require(HistoryEntry(mismatch, request: request, duration: .seconds(1), at: Date(timeIntervalSince1970: 100)))
        #expect(inMemory.kind == .refused)
        #expect(HistoryEntry(HistoryStoreTests.record(mismatch, at: 100)).kind == inMemory.kind)
    }

    /// A dry run whose only change is a smoke test left to run (a version created by an apply that stopped
    /// before its tests) found something to do: read back from `history.jsonl` it must not say "up to date"
    /// when the page said "drift detected" before the restart.
    @Test func aSmokeTestLeftToRunReadsTheSameFromDiskAsInMemory() async throws {
        let pending = plan([change("acme/a", .smokeTest, number: 3, seed: 1)])
        let dryRun = report(plan: pending, changed: ["acme/a"])
        #expect(ChangeCounts(pending).total == 1)
        let request = ReconcileRequest(full: false, lastAppliedCommit: "b")
        let inMemory = try #require(HistoryEntry(dryRun, request: request, duration: .seconds(1), at: Date(timeIntervalSince1970: 100)))
        #expect(inMemory.kind == .driftDetected)

        let directory = try TemporaryDirectory("history-smoke")
        let store = HistoryStore(configuration: .init(directory: directory.path))
        let outcome = ReconcileOutcome(report: dryRun, trigger: .tick, finishedAt: Date(timeIntervalSince1970: 100), duration: .seconds(1), dryRun: true, baseline: false)
        try await HistoryStoreTests.append(store, HistoryRecord(outcome, source: source, commit: nil))
        let line = try String(contentsOfFile: directory.path + "/history.jsonl", encoding: .utf8)
        #expect(line.contains(#""smoke_test":1"#))
        let readBack = try await store.records(model: nil, limit: 10)
        #expect(readBack.map(\.kind) == [inMemory.kind])
    }
}
