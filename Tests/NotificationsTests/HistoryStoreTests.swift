import Foundation
import Notifications
import Pipeline
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// history.jsonl: whole lines appended durably, torn lines skipped, rotation, queries.
@Suite struct HistoryStoreTests {
    static func record(_ report: ReconcileReport, at seconds: Double, trigger: ReconcileTrigger = .tick) -> HistoryRecord {
        HistoryRecord(
            ReconcileOutcome(report: report, trigger: trigger, finishedAt: Date(timeIntervalSince1970: seconds), duration: .milliseconds(1500), baseline: false),
            source: source, commit: report.commit.map { ReconcileEvent.Commit(id: $0) }
        )
    }

    /// Appends off the cooperative pool: an fsync can take long on a busy disk, and must not stall other tests.
    static func append(_ store: HistoryStore, _ record: HistoryRecord) async throws {
        try await onOwnThread { try store.append(record) }
    }

    static func applied(_ model: ModelID, number: Int, at seconds: Double) -> HistoryRecord {
        let created = plan([change(model, .create, seed: number)])
        return record(report(plan: created, applied: result(of: created, firstNumber: number), changed: [model]), at: seconds)
    }

    @Test func recordsAreAppendedAsLinesAndReadBackInOrderWithQueries() async throws {
        let directory = try TemporaryDirectory("history")
        let store = HistoryStore(configuration: .init(directory: directory.path))
        try await Self.append(store, Self.applied("acme/a", number: 1, at: 100))
        try await Self.append(store, Self.applied("acme/b", number: 1, at: 200))
        try await Self.append(store, Self.applied("acme/a", number: 2, at: 300))
        try await Self.append(store, Self.record(report(failure: stalledFailure()), at: 400))

        let all = try store.read()
        #expect(all.records.map(\.time.timeIntervalSince1970) == [100, 200, 300, 400] && all.skippedLines == 0)
        #expect(all.records.map(\.result) == [.applied, .applied, .applied, .failed])
        let a = try store.read(HistoryQuery(model: "acme/a"))
        #expect(a.records.map { $0.actions.first?.number } == [1, 2, nil], "a's creates and the failure of the whole reconcile")
        #expect(try store.read(HistoryQuery(limit: 2)).records.map(\.time.timeIntervalSince1970) == [300, 400], "the newest two, oldest first")
        #expect(try store.read(HistoryQuery(since: Date(timeIntervalSince1970: 250))).records.count == 2)
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 4 && text.hasSuffix("\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
    }

    @Test func aTornLastLineIsSkippedAndTheNextRecordStartsOnALineOfItsOwn() async throws {
        let directory = try TemporaryDirectory("history-torn")
        let store = HistoryStore(configuration: .init(directory: directory.path))
        try await Self.append(store, Self.applied("acme/a", number: 1, at: 100))
        // What a SIGKILL in the middle of a write could leave.
        let handle = try #require(FileHandle(forWritingAtPath: store.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"format_version":1,"time":"2026-11-30T0"#.utf8))
        try handle.close()
        let torn = try store.read()
        #expect(torn.records.count == 1 && torn.skippedLines == 1)

        try await Self.append(store, Self.applied("acme/a", number: 2, at: 300))
        let after = try store.read()
        #expect(after.records.map { $0.actions.first?.number } == [1, 2] && after.skippedLines == 1)
    }

    @Test func theFileRotatesAtItsSizeKeepingNOldFiles() async throws {
        let directory = try TemporaryDirectory("history-rotate")
        let store = HistoryStore(configuration: .init(directory: directory.path, maxFileSize: 4096, keep: 2))
        try await onOwnThread {
            for index in 0..<60 { try store.append(Self.applied("acme/a", number: index + 1, at: Double(index))) }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("history.jsonl") && !$0.hasSuffix(".lock") }.sorted()
        #expect(files == ["history.jsonl", "history.jsonl.1", "history.jsonl.2"])
        for file in files {
            let size = try #require(FileManager.default.attributesOfItem(atPath: directory.path + "/" + file)[.size] as? Int)
            #expect(size <= 4096, "\(file): \(size) bytes")
        }
        let read = try store.read()
        #expect(read.skippedLines == 0)
        #expect(read.records.last?.actions.first?.number == 60, "the newest is kept")
        #expect(read.records.map(\.time) == read.records.map(\.time).sorted(), "oldest first across the files")
        #expect(read.records.count < 60, "the oldest were rotated away")
        #expect(try store.read(HistoryQuery(limit: 3)).records.map { $0.actions.first?.number } == [58, 59, 60])

        // Fewer kept from now on: the next rotation removes what the larger keep left.
        let smaller = HistoryStore(configuration: .init(directory: directory.path, maxFileSize: 4096, keep: 1))
        try await onOwnThread {
            for index in 60..<90 { try smaller.append(Self.applied("acme/a", number: index + 1, at: Double(index))) }
        }
        #expect(smaller.files.map { ($0 as NSString).lastPathComponent } == ["history.jsonl.1", "history.jsonl"])
    }

    @Test func appendsFromManyThreadsAtOnceStayWholeLines() async throws {
        let directory = try TemporaryDirectory("history-concurrent")
        let store = HistoryStore(configuration: .init(directory: directory.path))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    try await onOwnThread {
                        for index in 0..<25 { try store.append(Self.applied(ModelID(stringLiteral: "acme/m\(writer)"), number: index + 1, at: Double(index))) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let read = try store.read()
        #expect(read.records.count == 100 && read.skippedLines == 0)
        for writer in 0..<4 {
            #expect(try store.read(HistoryQuery(model: "acme/m\(writer)")).records.count == 25)
        }
    }

    @Test func aRecordSaysWhatItWasAbout() throws {
        let refused = Self.record(report(plan: plan([change("acme/a", .delete, number: 3, seed: 3)]), failure: ReconcileFailure(.check, .refused(.tooManyDeletes(planned: 1, limit: 0)))), at: 0)
        #expect(refused.result == .refused && refused.rail == .maxDeletes && refused.models == ["acme/a"])
        #expect(refused.concerns("acme/a") && !refused.concerns("acme/b"), "the refusal names the model whose deletes it refused")
        let whole = Self.record(report(failure: transientFailure()), at: 0)
        #expect(whole.concerns("acme/a") && whole.concerns("acme/b"), "a failure of the whole reconcile concerns every model")
        #expect(whole.durationSeconds == 1.5 && whole.trigger == .tick)
    }

    static let times: [(String, Double)] = [
        ("2026-11-30T08:00:00Z", 1_796_025_600),
        ("2026-11-30", 1_795_996_800),
        ("2026-11-30T08:00:00", 1_796_025_600),
        ("90s", 999_910),
        ("24h", 913_600),
        ("7d", 395_200),
    ]

    @Test(arguments: times)
    func sinceTakesATimeOrAnAge(_ text: String, _ expected: Double) {
        #expect(HistoryTime.parse(text, now: Date(timeIntervalSince1970: 1_000_000))?.timeIntervalSince1970 == expected)
    }

    @Test func sinceRefusesAnythingElse() {
        for text in ["yesterday", "5x", "", "-3h"] {
            #expect(HistoryTime.parse(text, now: Date()) == nil, "\(text)")
        }
    }
}
