@testable import Controller
import Declarations
import Foundation
import LiveState
import Logging
import Pipeline
import Planner
import Synchronization
import WriftAIModels
import WriftSyncTesting

/// A transient failure saying `message` (the loop retries it with backoff).
func transientFailure(_ message: String) -> ReconcileFailure {
    ReconcileFailure(.observe, .liveState(.interrupted(message)))
}

/// A stalled failure: invalid declarations at `revision` (the loop waits for a new commit).
func stalledFailure(_ revision: String = "c1") -> ReconcileFailure {
    ReconcileFailure(.load, .invalidDeclarations(
        DeclarationErrors([Diagnostic(SourceLocation(file: "models/a.yaml", line: 2, column: 11), "'versions' must be a list")]), revision: revision
    ))
}

extension ReconcileReport {
    /// A report of a reconcile at `commit` that succeeded (`failure` nil) or failed.
    static func at(_ commit: String, failure: ReconcileFailure? = nil, planned: ChangeCounts? = nil, upToDate: Bool = false) -> ReconcileReport {
        ReconcileReport(commit: commit, failure: failure, planned: planned, upToDate: upToDate)
    }
}

/// A reconciler that records its requests and answers from a script, optionally taking some time on a test
/// clock (a second one, not the loop's: the test sees a reconcile in flight as a sleeper on it, and ends it
/// by advancing it).
final class FakeReconciler: Reconciling {
    private let state = Mutex<(requests: [ReconcileRequest], inFlight: Int, finished: Int)>(([], 0, 0))
    private let outcome: @Sendable (Int, ReconcileRequest) -> ReconcileReport
    private let work: (duration: Duration, clock: TestClock)?

    /// `outcome(n)` is the report of the n-th call (from 0); each call takes `duration` on `clock`.
    convenience init(duration: Duration = .zero, on clock: TestClock? = nil, outcome: @escaping @Sendable (Int) -> ReconcileReport = { _ in .at("c1") }) {
        self.init(duration: duration, on: clock) { index, _ in outcome(index) }
    }

    /// `outcome(n, request)` is the report of the n-th call (from 0), given what it was asked; each call takes
    /// `duration` on `clock`.
    init(duration: Duration = .zero, on clock: TestClock? = nil, answering outcome: @escaping @Sendable (Int, ReconcileRequest) -> ReconcileReport) {
        precondition(duration == .zero || clock != nil, "a reconcile that takes time takes it on a test clock")
        self.outcome = outcome
        self.work = clock.map { (duration, $0) }
    }

    func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
        let index = state.withLock { state in
            state.requests.append(request)
            state.inFlight += 1
            return state.requests.count - 1
        }
        if let work, work.duration > .zero {
            // The loop never cancels a reconcile in flight; only a test's teardown cancels, and ends it early.
            try? await work.clock.sleep(for: work.duration)
        }
        state.withLock {
            $0.inFlight -= 1
            $0.finished += 1
        }
        return outcome(index, request)
    }

    var requests: [ReconcileRequest] { state.withLock { $0.requests } }
    var finished: Int { state.withLock { $0.finished } }
    var inFlight: Int { state.withLock { $0.inFlight } }
}

/// Runs `loop` in a task for `body`, then cancels it and waits for it to stop.
func withRunningLoop<T: Sendable>(_ loop: ReconcileLoop, _ body: () async throws -> T) async throws -> T {
    let task = Task { try await loop.run() }
    do {
        let value = try await body()
        task.cancel()
        try await task.value
        return value
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
}

/// A quiet logger for tests.
let testLogger: Logger = {
    var logger = Logger(label: "controller-tests")
    logger.logLevel = .critical
    return logger
}()

/// The lines of a Prometheus text exposition that are samples, checked against the format:
/// `name{label="value",...} number`. Returns `nil` if any line is malformed.
func prometheusSamples(_ text: String) -> [(name: String, labels: [String: String], value: Double)]? {
    var samples: [(name: String, labels: [String: String], value: Double)] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
        guard let space = line.lastIndex(of: " ") else { return nil }
        let valueText = line[line.index(after: space)...]
        guard let value = valueText == "+Inf" ? Double.infinity : Double(valueText) else { return nil }
        let series = line[..<space]
        let name: Substring
        var labels: [String: String] = [:]
        if let brace = series.firstIndex(of: "{") {
            guard series.hasSuffix("}") else { return nil }
            name = series[..<brace]
            let inner = series[series.index(after: brace)..<series.index(before: series.endIndex)]
            for pair in inner.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\""), parts[1].count >= 2 else { return nil }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
        } else {
            name = series
        }
        guard let first = name.first, first.isLetter || first == "_" || first == ":",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        else { return nil }
        samples.append((String(name), labels, value))
    }
    return samples
}

/// The value of the sample `name` with exactly `labels`, if present.
func sample(_ samples: [(name: String, labels: [String: String], value: Double)], _ name: String, _ labels: [String: String] = [:]) -> Double? {
    samples.first { $0.name == name && $0.labels == labels }?.value
}
