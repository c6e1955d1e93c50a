import Foundation
import Applier
@testable import Notifications
import Pipeline
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// The history line of a record whose actions were encoded ahead (``EncodedActions``) is the line
/// `JSONEncoder` writes for the whole record, byte for byte; and a prepared history appends as a fresh one.
@Suite struct HistoryEncodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var record: HistoryRecord
        /// Which of the record's actions were encoded ahead.
        var ahead: [Int]
        var testDescription: String { name }
    }

    static let escapedError = "the API said \"no\": é / 😀 \\ \n"

    static func applied(_ changes: [PlannedChange], firstNumber: Int, failing: Bool = false, error: String = escapedError) -> HistoryRecord {
        let planned = plan(changes)
        var applied = result(of: planned, firstNumber: firstNumber)
        if failing, var last = applied.actions.last {
            last.outcome = .failed
            last.error = error
            applied.actions[applied.actions.count - 1] = last
        }
        return HistoryStoreTests.record(report(plan: planned, applied: applied, changed: Array(Set(changes.map(\.model)))), at: 1_796_025_600)
    }

    static let cases: [Case] = [
        Case(name: "every action encoded ahead", record: applied([change("acme/a", .create, seed: 1), change("acme/a", .create, seed: 2), change("acme/b", .create, seed: 3)], firstNumber: 4), ahead: [0, 1, 2]),
        Case(name: "some encoded ahead, one failed with escapes in its error", record: applied([change("acme/a", .create, seed: 1), change("acme/b", .create, seed: 2), change("acme/c", .create, seed: 3)], firstNumber: 7, failing: true), ahead: [1]),
        Case(name: "every action encoded ahead, one failed with escapes in its error", record: applied([change("acme/a", .create, seed: 1), change("acme/b", .create, seed: 2)], firstNumber: 3, failing: true), ahead: [0, 1]),
        Case(name: "every action encoded ahead, one failed with a plain error", record: applied([change("acme/a", .create, seed: 1), change("acme/b", .delete, number: 2, seed: 2)], firstNumber: 3, failing: true, error: "POST /v1/models/acme/b/versions: 500 Internal Server Error (retried 3 times; giving up)"), ahead: [0, 1]),
        Case(name: "none encoded ahead", record: applied([change("acme/a", .create, seed: 5)], firstNumber: 1), ahead: []),
        Case(name: "a failure without actions", record: HistoryStoreTests.record(report(failure: stalledFailure()), at: 10), ahead: []),
        Case(name: "a refusal", record: HistoryStoreTests.record(report(plan: plan([change("acme/a", .delete, number: 3, seed: 3)]), failure: ReconcileFailure(.check, .refused(.tooManyDeletes(planned: 1, limit: 0)))), at: 20), ahead: []),
    ]

    @Test("the spliced line is JSONEncoder's line", arguments: cases)
    func splicedLineIsTheEncodersLine(_ testCase: Case) {
        let memo = EncodedActions()
        for index in testCase.ahead { memo.add(testCase.record.actions[index]) }
        #expect(memo.count == Set(testCase.ahead.map { testCase.record.actions[$0] }).count)
        let reference = HistoryStore.encode(testCase.record)
        let spliced = HistoryStore.encode(testCase.record, encodedActions: memo)
        #expect(String(decoding: spliced, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        #expect(HistoryStore.spliced(testCase.record, actions: memo) != nil, "actions is the first key: the splice applies")
    }

    struct ActionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var action: ReconcileEvent.Action
        /// Whether it is written directly rather than by `JSONEncoder`.
        var written: Bool
        var testDescription: String { name }
    }

    static func action(_ number: Int?, _ outcome: ActionOutcome, error: String? = nil, model: String = "acme/a") -> ReconcileEvent.Action {
        var action = cases[0].record.actions[0]
        action.model = model
        action.number = number
        action.outcome = outcome
        action.error = error
        return action
    }

    static let actionCases: [ActionCase] = [
        ActionCase(name: "created, with its number", action: action(7, .created), written: true),
        ActionCase(name: "failed, without a number, with a plain error", action: action(nil, .failed, error: "timed out after 30 s: POST /v1/models/acme/a/versions"), written: true),
        ActionCase(name: "already deleted, a model name with dots and dashes", action: action(12, .alreadyDeleted, model: "acme-co/model.v2_x"), written: true),
        ActionCase(name: "rolled back, an empty error", action: action(1, .rolledBack, error: ""), written: true),
        ActionCase(name: "an error with a quote", action: action(1, .failed, error: #"said "no""#), written: false),
        ActionCase(name: "an error with a backslash", action: action(1, .failed, error: #"a\b"#), written: false),
        ActionCase(name: "an error with a newline", action: action(1, .failed, error: "a\nb"), written: false),
        ActionCase(name: "an error past ASCII", action: action(1, .failed, error: "é"), written: false),
        ActionCase(name: "an error with DEL", action: action(1, .failed, error: "a\u{7F}"), written: false),
    ]

    @Test("an action is written as JSONEncoder encodes it, or left to it", arguments: actionCases)
    func actionWrittenAsTheEncoderWould(_ testCase: ActionCase) throws {
        let reference = try EventJSON.encoder.encode(testCase.action)
        let written = EncodedActions.written(testCase.action)
        #expect((written != nil) == testCase.written)
        if let written {
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        }
        let memo = EncodedActions()
        memo.add(testCase.action)
        #expect(memo.bytes(for: testCase.action) == Array(reference))
    }

    /// The record a history warms up with (``HistoryStore/prepare()``) has every part of the format: decoded
    /// and encoded again, it is its own line byte for byte. A sample missing a part (a field added to the
    /// format) would leave that part's first-use costs to the apply's end.
    @Test func theWarmUpRecordIsAWholeHistoryLine() throws {
        let line = try #require(HistoryStore.warmUpEncoding())
        #expect(String(decoding: line, as: UTF8.self) == String(decoding: HistoryStore.warmUpSample, as: UTF8.self) + "\n")
    }

    @Test func aPreparedHistoryIsEmptyAndAppendsLikeANewOne() async throws {
        let directory = try TemporaryDirectory("history-prepared")
        let store = HistoryStore(configuration: .init(directory: directory.path + "/state"))
        try store.prepare()
        #expect(FileManager.default.fileExists(atPath: store.path) && FileManager.default.fileExists(atPath: store.path + ".lock"))
        #expect(try store.read().records.isEmpty && store.read().skippedLines == 0, "an empty file is a history without records")
        let record = Self.cases[0].record
        let memo = EncodedActions()
        for action in record.actions { memo.add(action) }
        try await onOwnThread { try store.append(record, encodedActions: memo) }
        try store.prepare()
        #expect(try store.read().records == [record], "prepared again: nothing changes")
        #expect(try String(contentsOfFile: store.path, encoding: .utf8) == String(decoding: HistoryStore.encode(record), as: UTF8.self))
    }
}
