import Foundation
import Hummingbird
import Logging
import Notifications
import Pipeline
import ServiceLifecycle
import WriftAI

/// How the controller runs, beyond the pipeline it drives: its schedule, whether it writes, and what it serves.
public struct ControllerConfiguration: Sendable {
    /// Where the HTTP endpoints listen.
    public struct Listen: Sendable {
        /// The host or address to bind.
        public var host: String
        /// The port; 0 picks a free one.
        public var port: Int

        /// Creates a listen address.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// When reconciles run.
    public var schedule: Schedule
    /// Only report what would change; the controller then holds a read-only client.
    public var dryRun: Bool
    /// Where to serve `/healthz`, `/readyz`, `/metrics`, `/status`, the webhook and the status page; `nil`
    /// serves nothing.
    public var listen: Listen?
    /// The webhook's HMAC secret; `nil` leaves `POST /hooks/git` off.
    public var webhookSecret: [UInt8]?
    /// How long one reconcile's API work may take in all (`--deadline`); `nil` bounds only each request.
    public var reconcileDeadline: Duration?

    /// Creates a configuration.
    public init(schedule: Schedule, dryRun: Bool = false, listen: Listen? = nil, webhookSecret: [UInt8]? = nil, reconcileDeadline: Duration? = nil) {
        self.schedule = schedule
        self.dryRun = dryRun
        self.listen = listen
        self.webhookSecret = webhookSecret
        self.reconcileDeadline = reconcileDeadline
    }
}

/// The controller as `wriftsync run` composes it: the pipeline's reconciler, the loop that schedules it, the
/// status and metrics they share, and the HTTP endpoints. Tests build it with ``buildController(pipeline:client:configuration:metrics:logger:)``
/// exactly as `run` does, and run its ``services(onBound:)`` in a `ServiceGroup`.
public struct WriftSyncController: Sendable {
    /// One reconcile (`run --once` calls it directly).
    public let reconciler: PipelineReconciler
    /// The schedule.
    public let loop: ReconcileLoop
    /// What `/status` shows.
    public let status: StatusStore
    /// What `/metrics` shows.
    public let metrics: ControllerMetrics
    /// The configuration it was built with.
    public let configuration: ControllerConfiguration
    /// Events, notifications and history after each reconcile; `nil` when none is configured.
    public let recorder: ReconcileRecorder?
    /// The status page `--listen` serves at `/`.
    public let dashboard: Dashboard
    /// The last reconciles of this process that did something, in memory (the status page's history, with
    /// the durable one when it is kept).
    public let recentReconciles: RecentReconciles
    let logger: Logger

    /// The services to run: the loop, whose end (at graceful shutdown) ends the group, and the HTTP server
    /// when listening. `onBound` gets the port bound (for port 0).
    public func services(onBound: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        ]
        if let listen = configuration.listen {
            let loop = loop
            let http = ControllerHTTP(
                status: status, metrics: metrics, readinessThreshold: configuration.schedule.readinessThreshold,
                webhookSecret: configuration.webhookSecret, logger: Logger(label: "wriftsync.http"), trigger: { loop.trigger() },
                history: recorder?.history, dashboard: dashboard
            )
            let host = listen.host
            services.append(.init(service: http.application(host: host, port: listen.port) { port in await onBound(host, port) }))
        }
        if let notifier = recorder?.notifier {
            // First, so shut down last: the loop's final events are queued before the notifier stops taking
            // them, and its end never ends the group.
            services.insert(.init(service: notifier, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore), at: 0)
        }
        return services
    }
}

/// Composes the controller: a reconciler over `pipeline` holding `client` (only its read-only view in a dry
/// run), logging each change through `logger`, stopping between changes at graceful shutdown.
/// `metrics` should be the registry `client` counts its requests in. `recorder`, when given, gets every
/// finished reconcile (events to its sinks, records to its history); its notifier runs among the services.
/// The status page shows the recorder's durable history with the drift found by this process, or — without
/// one — the controller's own recent reconciles. The loop takes its time from `clock`: the real clocks, unless a
/// test gives its own.
public func buildController(
    pipeline: ReconcilePipeline, client: WriftAIClient, configuration: ControllerConfiguration,
    metrics: ControllerMetrics, logger: Logger, recorder: ReconcileRecorder? = nil, clock: LoopClock = .system
) -> WriftSyncController {
    let reconciler = PipelineReconciler(
        pipeline: pipeline,
        // The dry run only ever holds the read-only view: it has no write methods to call.
        access: configuration.dryRun ? .readOnly(client.readOnly) : .readWrite(client),
        deadline: configuration.reconcileDeadline,
        // On SIGTERM/SIGINT the change in flight finishes and no further one starts.
        shouldContinue: { !Task.isShuttingDownGracefully },
        onAction: { ReconcileLog.action($0, to: logger) }
    )
    let status = StatusStore(ControllerStatus(dryRun: configuration.dryRun))
    let recent = RecentReconciles()
    let durable = recorder?.history
    // The page keeps the last reconciles of this process in memory too: the durable history records only what
    // changed something, failed or was refused, not drift merely found.
    let loop = ReconcileLoop(
        reconciler: RecordingReconciler(reconciler, history: recent), schedule: configuration.schedule,
        status: status, metrics: metrics, logger: logger, recorder: recorder, clock: clock
    )
    let pacing = client.configuration.pacing
    let dashboard = Dashboard(
        status: status, usage: metrics.apiUsage, history: durable.map { CombinedHistory(durable: $0, recent: recent) as any HistoryReading } ?? recent,
        configuration: DashboardConfiguration(
            repository: pipeline.configuration.repository?.spec.description ?? "", ref: pipeline.configuration.repository?.ref,
            path: pipeline.configuration.repository?.directory ?? "", rateLimitPerSecond: pacing.maxRequestsPerSecond ?? pacing.requestsPerSecond
        )
    )
    return WriftSyncController(
        reconciler: reconciler, loop: loop, status: status, metrics: metrics, configuration: configuration, recorder: recorder,
        dashboard: dashboard, recentReconciles: recent, logger: logger
    )
}
