import Foundation
import Logging
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
/// drift interval, and backs off after failures. Runs never overlap: one task runs them all in turn.
/// As a `Service`, it stops at graceful shutdown after the reconcile in flight.
public final class ReconcileLoop: Service, Sendable {
    private let reconciler: any Reconciling
    private let schedule: Schedule
    private let status: StatusStore
    private let metrics: ControllerMetrics
    private let logger: Logger
    /// Set by ``trigger()``; cleared when a run starts, so a burst of triggers makes one run.
    private let triggered = Mutex(false)
    /// The loop's granularity when waiting: how soon it notices a trigger or a shutdown.
    private let pollStep: Duration = .milliseconds(25)

    /// Creates a loop; nothing runs until ``run()``.
    public init(reconciler: any Reconciling, schedule: Schedule, status: StatusStore, metrics: ControllerMetrics, logger: Logger) {
        self.reconciler = reconciler
        self.schedule = schedule
        self.status = status
        self.metrics = metrics
        self.logger = logger
    }

    /// Asks for a reconcile now. Triggers arriving before the run starts coalesce into it.
    public func trigger() {
        triggered.withLock { $0 = true }
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let clock = ContinuousClock()
        var generator = SystemRandomNumberGenerator()
        var lastApplied: String?
        var nextFull = clock.now
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            triggered.withLock { $0 = false }
            let full = clock.now >= nextFull || lastApplied == nil
            let request = ReconcileRequest(full: full, lastAppliedCommit: lastApplied)
            let started = clock.now
            let report = await reconciler.reconcile(request)
            let duration = clock.now - started
            metrics.record(report, full: full, duration: duration)
            let delay: Duration
            if report.succeeded {
                failures = 0
                if let commit = report.commit { lastApplied = commit }
                if full { nextFull = clock.now + schedule.driftInterval }
                delay = schedule.jittered(using: &generator)
            } else {
                failures += 1
                delay = schedule.backoff(afterFailures: failures)
            }
            record(report, full: full, duration: duration, delay: delay)
            await wait(delay, clock: clock)
        }
        logger.info("reconciler stopped")
    }

    private func record(_ report: ReconcileReport, full: Bool, duration: Duration, delay: Duration) {
        let now = Date()
        status.update { status in
            status.reconciles += 1
            status.lastRunAt = now
            if let commit = report.commit { status.lastAttemptedCommit = commit }
            if !report.upToDate { status.lastPlan = report.planned }
            status.nextRunAt = now.addingTimeInterval(delay.seconds)
            if report.succeeded {
                status.lastAppliedCommit = report.commit ?? status.lastAppliedCommit
                status.lastError = nil
                status.lastSuccessAt = now
                status.failingSince = nil
            } else {
                status.lastError = report.error
                if status.failingSince == nil { status.failingSince = now }
            }
        }
        var metadata: Logger.Metadata = [
            "commit": "\(report.commit.map { String($0.prefix(12)) } ?? "-")",
            "full": "\(full)",
            "duration_s": "\(String(format: "%.3f", duration.seconds))",
            "models": "\(report.modelsReconciled)",
            "create": "\(report.planned.create)",
            "update": "\(report.planned.update)",
            "delete": "\(report.planned.delete)",
            "applied": "\(report.applied)",
            "next_in_s": "\(String(format: "%.1f", delay.seconds))",
        ]
        if !report.driftedModels.isEmpty { metadata["drifted"] = "\(report.driftedModels.joined(separator: ","))" }
        if report.succeeded {
            logger.info("reconcile succeeded", metadata: metadata)
        } else {
            metadata["error"] = "\(report.error ?? "unknown")"
            logger.error("reconcile failed", metadata: metadata)
        }
    }

    /// Waits `delay`, or less when triggered or shutting down.
    private func wait(_ delay: Duration, clock: ContinuousClock) async {
        let deadline = clock.now + delay
        while clock.now < deadline {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            if triggered.withLock({ $0 }) { return }
            try? await Task.sleep(for: min(pollStep, deadline - clock.now))
        }
    }
}
