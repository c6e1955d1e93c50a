import Foundation
import Logging
import Notifications
import Pipeline
import ServiceLifecycle
import Synchronization

/// When the loop runs: the tick, its jitter, the drift interval and the backoff.
public struct Schedule: Sendable {
    /// Time between ticks (each fetches the repository).
    public var interval: Duration
    /// Fraction of the interval added or taken at random, so that many reconcilers spread out.
    public var jitter: Double
    /// Time between full reconciles, which correct changes made outside git.
    public var driftInterval: Duration
    /// The first retry delay after a failure; doubles per failure, capped at ``interval``.
    public var initialBackoff: Duration
    /// How long reconciles may keep failing before `/readyz` says not ready.
    public var readinessThreshold: Duration

    /// Creates a schedule.
    public init(
        interval: Duration, jitter: Double = 0.1, driftInterval: Duration,
        initialBackoff: Duration = .seconds(1), readinessThreshold: Duration? = nil
    ) {
        self.interval = interval
        self.jitter = jitter
        self.driftInterval = driftInterval
        self.initialBackoff = initialBackoff
        // Default: a few failed ticks in a row are tolerated, a longer outage is not.
        self.readinessThreshold = readinessThreshold ?? interval * 3
    }

    /// The delay before retrying after `failures` failures in a row: exponential, at most the interval.
    public func backoff(afterFailures failures: Int) -> Duration {
        let factor = 1 << min(max(failures - 1, 0), 30)
        return min(initialBackoff * factor, interval)
    }

    /// The interval with its jitter applied.
    public func jittered(using generator: inout some RandomNumberGenerator) -> Duration {
        guard jitter > 0 else { return interval }
        return interval * Double.random(in: (1 - jitter)...(1 + jitter), using: &generator)
    }
}

/// The scheduled reconciler: reconciles on each tick, at once on a trigger (the webhook), fully every
/// drift interval, and reacts to failures by their class: a transient or partial failure is retried with
/// backoff; a stalled one (invalid declarations, a refused plan) is not retried until a new commit or the
/// drift interval. Runs never overlap: one task runs them all in turn. As a `Service`, it stops at graceful
/// shutdown after the change in flight.
public final class ReconcileLoop: Service, Sendable {
    private let reconciler: any Reconciling
    private let schedule: Schedule
    private let status: StatusStore
    private let metrics: ControllerMetrics
    private let logger: Logger
    /// Events and history after each reconcile; `nil` keeps neither.
    private let recorder: ReconcileRecorder?
    /// The loop's time: what it waits on and the wall time it stamps the status with.
    private let time: LoopClock
    /// A trigger not yet taken by a run, and the wait a trigger ends.
    private let wakeups = Mutex(Wakeups())

    private struct Wakeups {
        /// Set by ``trigger()``; cleared when a run starts, so a burst of triggers makes one run.
        var triggered = false
        /// The wait in progress, if any.
        var waiting: WakeUp?
    }

    /// Creates a loop; nothing runs until ``run()``. `clock` is where it takes its time from (the real
    /// clocks unless a test gives its own).
    public init(
        reconciler: any Reconciling, schedule: Schedule, status: StatusStore, metrics: ControllerMetrics, logger: Logger,
        recorder: ReconcileRecorder? = nil, clock: LoopClock = .system
    ) {
        self.recorder = recorder
        self.reconciler = reconciler
        self.schedule = schedule
        self.status = status
        self.metrics = metrics
        self.logger = logger
        self.time = clock
    }

    /// Asks for a reconcile now: ends the wait in progress. Triggers arriving before the run starts coalesce
    /// into it.
    public func trigger() {
        let waiting = wakeups.withLock { wakeups in
            wakeups.triggered = true
            return wakeups.waiting
        }
        waiting?.fire()
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        // Opened into the generic loop below: an existential clock's instants cannot be compared or advanced.
        let clock = time.clock
        await loop(on: clock)
        logger.info("reconciler stopped")
    }

    private func loop<C: Clock<Duration>>(on clock: C) async {
        var generator = SystemRandomNumberGenerator()
        var lastApplied: String?
        var stalled: String?
        var nextFull = clock.now
        var failures = 0
        var first = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let webhook = wakeups.withLock { wakeups in
                defer { wakeups.triggered = false }
                return wakeups.triggered
            }
            let full = clock.now >= nextFull || lastApplied == nil
            let trigger = Self.trigger(first: first, webhook: webhook, retrying: failures > 0, full: full, lastApplied: lastApplied)
            first = false
            let request = ReconcileRequest(full: full, lastAppliedCommit: lastApplied, stalledCommit: stalled, trigger: trigger)
            let started = clock.now
            let report = await reconciler.reconcile(request)
            let duration = started.duration(to: clock.now)
            metrics.record(report, full: full, duration: duration)
            let delay: Duration
            switch report.failure?.failureClass {
            case nil:
                failures = 0
                if report.upToDate && report.commit == stalled {
                    // Still the commit that stalled: nothing to do until a new one.
                } else {
                    stalled = nil
                    if let commit = report.commit { lastApplied = commit }
                }
                if full { nextFull = clock.now.advanced(by: schedule.driftInterval) }
                delay = schedule.jittered(using: &generator)
            case .stalled:
                // Retrying the same commit cannot help: tick as usual, and the ticks skip it until it moves.
                failures = 0
                stalled = report.commit
                if full { nextFull = clock.now.advanced(by: schedule.driftInterval) }
                delay = schedule.jittered(using: &generator)
            case .transient, .partial:
                failures += 1
                delay = schedule.backoff(afterFailures: failures)
            }
            let waitingOnStalled = report.upToDate && report.commit == stalled
            record(report, full: full, duration: duration, delay: delay, waitingOnStalled: waitingOnStalled)
            if let recorder {
                await recorder.record(ReconcileOutcome(
                    report: report, trigger: trigger, full: full, duration: duration, dryRun: status.current.dryRun,
                    baseline: request.lastAppliedCommit == nil, waitingOnStalled: waitingOnStalled
                ))
            }
            await wait(delay, on: clock)
        }
    }

    private func record(_ report: ReconcileReport, full: Bool, duration: Duration, delay: Duration, waitingOnStalled: Bool) {
        let now = time.now()
        status.update { status in
            status.reconciles += 1
            status.lastRunAt = now
            if let commit = report.commit { status.lastAttemptedCommit = commit }
            if let planned = report.planned { status.lastPlan = planned }
            status.absorb(report, waitingOnStalled: waitingOnStalled, now: now)
            status.nextRunAt = now.addingTimeInterval(delay.seconds)
            if let failure = report.failure {
                status.lastError = failure.description
                status.lastFailure = ControllerStatus.Failure(failure)
                if status.failingSince == nil { status.failingSince = now }
            } else if !waitingOnStalled {
                status.lastAppliedCommit = report.commit ?? status.lastAppliedCommit
                status.lastError = nil
                status.lastFailure = nil
                status.lastSuccessAt = now
                status.failingSince = nil
            }
        }
        ReconcileLog.report(report, full: full, duration: duration, next: delay, to: logger)
    }

    /// Waits `delay` on the clock, or less when triggered, shutting down or cancelled. A trigger that came
    /// during the run ends the wait before it starts.
    private func wait<C: Clock<Duration>>(_ delay: Duration, on clock: C) async {
        let wakeUp = WakeUp()
        let triggered = wakeups.withLock { wakeups in
            if !wakeups.triggered { wakeups.waiting = wakeUp }
            return wakeups.triggered
        }
        guard !triggered else { return }
        defer { wakeups.withLock { $0.waiting = nil } }
        let deadline = clock.now.advanced(by: delay)
        await withTaskCancellationOrGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await clock.sleep(until: deadline, tolerance: nil)
                    wakeUp.fire()
                }
                await wakeUp.wait()
                // Whatever came first, the sleep is over: the group waits for it to end.
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            wakeUp.fire()
        }
    }
}

extension ReconcileLoop {
    /// What starts a run: the first is the start; then a webhook that ended the wait, a retry after a
    /// failure, the drift interval's full reconcile, or a plain tick.
    static func trigger(first: Bool, webhook: Bool, retrying: Bool, full: Bool, lastApplied: String?) -> ReconcileTrigger {
        if first { return .start }
        if webhook { return .webhook }
        if retrying { return .retry }
        return full && lastApplied != nil ? .driftInterval : .tick
    }
}
