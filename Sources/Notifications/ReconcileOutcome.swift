import Foundation
import Pipeline

/// One finished reconcile as the recorder takes it in: the pipeline's report and what the caller knows
/// around it (what started it, when, how long, whether it only reported).
public struct ReconcileOutcome: Sendable {
    /// What the pipeline reported.
    public var report: ReconcileReport
    /// What started it.
    public var trigger: ReconcileTrigger
    /// Whether it compared every model (the start, each drift interval, every `apply`).
    public var full: Bool
    /// When it finished.
    public var finishedAt: Date
    /// How long it took.
    public var duration: Duration
    /// Whether it only reported (a dry run applies nothing).
    public var dryRun: Bool
    /// Whether nothing was known applied before it (the first reconcile of `run`, and every `apply`): the
    /// differences it finds are the commit's to apply, not drift made outside git.
    public var baseline: Bool
    /// A tick that found again the commit the last reconcile stalled on: neither a new failure nor a recovery.
    public var waitingOnStalled: Bool

    /// Creates an outcome.
    public init(
        report: ReconcileReport, trigger: ReconcileTrigger, full: Bool = true, finishedAt: Date = Date(), duration: Duration, dryRun: Bool = false,
        baseline: Bool, waitingOnStalled: Bool = false
    ) {
        self.report = report
        self.trigger = trigger
        self.full = full
        self.finishedAt = finishedAt
        self.duration = duration
        self.dryRun = dryRun
        self.baseline = baseline
        self.waitingOnStalled = waitingOnStalled
    }

    /// Whether the history keeps it: it changed something, failed, or was refused. An idle tick, a
    /// reconcile with nothing to do and a dry run that found nothing wrong are not kept.
    public var isRecorded: Bool {
        if report.failure != nil { return !waitingOnStalled }
        return report.applyResult?.actions.isEmpty == false
    }
}

/// Where the declarations come from, as every event and record names it.
public struct EventSource: Sendable, Equatable {
    /// The repository, without credentials.
    public var repository: String
    /// The ref configured (`nil`: the remote's HEAD); a fetched snapshot's resolved ref takes its place.
    public var ref: String?
    /// The directory of declarations.
    public var path: String

    /// Creates a source.
    public init(repository: String, ref: String?, path: String) {
        self.repository = repository
        self.ref = ref
        self.path = path
    }
}
