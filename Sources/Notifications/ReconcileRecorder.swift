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
    private let logger: Logger

    /// A recorder for `source`, writing `history` and posting to `notifier`; repeats of a standing failure,
    /// warning or drift wait `repeatAfter`.
    public init(source: EventSource, history: HistoryStore?, notifier: Notifier?, repeatAfter: Duration = .seconds(3600), logger: Logger) {
        self.source = source
        self.history = history
        self.notifier = notifier
        throttle = Mutex(EventThrottle(repeatAfter: repeatAfter))
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
        let events = throttle.withLock { $0.filter(built, of: outcome, now: outcome.finishedAt) }
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
