import Foundation
import GitSource
import Logging
import Pipeline
import Synchronization

/// What happens after each reconcile, wherever the report is consumed (the controller's loop, `apply`):
/// the events are computed from it, thinned by the throttle and queued for the sinks; the history gets its
/// record. The commit's author and subject are read from git only when something is sent or kept. Nothing
/// here fails or delays a reconcile: a history that cannot be written is logged, and delivery is queued.
public final class ReconcileRecorder: Sendable {
    /// Where the declarations come from.
    public let source: EventSource
    /// The history, when kept.
    public let history: HistoryStore?
    /// The sinks' notifier, when any sink is configured.
    public let notifier: Notifier?
    private let throttle: Mutex<EventThrottle>
    /// Where the throttle's memory is kept between processes, when it is.
    public let memoryPath: String?
    private let logger: Logger

    /// A recorder for `source`, writing `history` and posting to `notifier`; repeats of a standing failure,
    /// warning or drift wait `repeatAfter`. With `memoryPath`, what was sent is read from that file first and
    /// written back after each reconcile, so that one process after another (`run --once` from a CronJob or a
    /// timer) repeats itself no more than one long-running `run`.
    public init(
        source: EventSource, history: HistoryStore?, notifier: Notifier?, repeatAfter: Duration = .seconds(3600),
        memoryPath: String? = nil, logger: Logger
    ) {
        self.source = source
        self.history = history
        self.notifier = notifier
        var throttle = EventThrottle(repeatAfter: repeatAfter)
        if let memoryPath, notifier != nil {
            do {
                if let data = FileManager.default.contents(atPath: memoryPath) {
                    throttle.memory = try JSONDecoder.throttleMemory.decode(EventThrottle.Memory.self, from: data)
                }
            } catch {
                // Forgetting costs a repeated notice, never a missed one.
                logger.warning("the notifications' memory cannot be read; starting afresh", metadata: ["path": "\(memoryPath)", "error": "\(error)"])
            }
        }
        self.throttle = Mutex(throttle)
        self.memoryPath = memoryPath
        self.logger = logger
    }

    /// Takes in one finished reconcile; returns the events posted (for logs and tests). Actions in
    /// `encodedActions` are not encoded again for the history.
    @discardableResult
    public func record(_ outcome: ReconcileOutcome, encodedActions: EncodedActions? = nil) async -> [ReconcileEvent] {
        let report = outcome.report
        let keep = history != nil && outcome.isRecorded
        guard keep || notifier != nil else { return [] }
        // An idle tick (the commit already handled) reads nothing from git; a new commit, one commit lookup.
        var details = report.commitDetails
        if details == nil, !report.upToDate { details = await report.snapshot?.commitDetails() }
        let built = notifier == nil ? [] : EventBuilder.events(of: outcome, source: source, details: details)
        let (events, memory) = throttle.withLock { ($0.filter(built, of: outcome, now: outcome.finishedAt), $0.memory) }
        if let memoryPath, notifier != nil {
            do {
                let data = try JSONEncoder.throttleMemory.encode(memory)
                try await onOwnThread {
                    let url = URL(fileURLWithPath: memoryPath)
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try data.write(to: url, options: .atomic)
                }
            } catch {
                logger.warning("the notifications' memory cannot be written", metadata: ["path": "\(memoryPath)", "error": "\(error)"])
            }
        }
        if keep, let history {
            let record = HistoryRecord(outcome, source: source, commit: report.commit.map { ReconcileEvent.Commit(id: $0, details: details?.commit.hex == $0 ? details : nil) })
            do {
                // fsync blocks: on a thread of its own, never on the pool that serves the endpoints.
                try await onOwnThread { try history.append(record, encodedActions: encodedActions) }
            } catch {
                logger.error("history not written", metadata: ["path": "\(history.path)", "error": "\(error)"])
            }
        }
        if !events.isEmpty { notifier?.post(events) }
        return events
    }
}

extension JSONEncoder {
    /// The throttle's memory: dates as ISO 8601, keys sorted (a file a person may read).
    static var throttleMemory: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    /// Reads what ``JSONEncoder/throttleMemory`` writes.
    static var throttleMemory: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
