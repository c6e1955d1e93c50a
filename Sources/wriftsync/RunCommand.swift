import Applier
import ArgumentParser
import Controller
import Foundation
import GitSource
import Logging
import Notifications
import Pipeline
import ServiceLifecycle
import WriftAI

/// `wriftsync run`: the scheduled reconciler (a GitOps controller), or one reconcile with `--once`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Keep the live versions matching the repository: reconcile on every new commit and every drift interval.",
        usage: HelpText.runUsage,
        discussion: """
            Each --interval the repository is fetched; an unchanged commit costs nothing more (no file is read, \
            no API request made). A new commit reconciles the models whose declarations changed (a changed \
            schemas file changes the models that name it), and every \
            --drift-interval every model is reconciled, which corrects changes made outside git. Applies \
            without asking (run implies --auto-approve); the --max-deletes rail still holds. Failures are \
            retried with exponential backoff, up to the interval, except stalled failures (invalid declarations, a \
            refused plan), which wait for a new commit or the drift interval. SIGTERM or SIGINT: the API request \
            in flight finishes, no further change or reconcile starts (the rest is planned again next time), exit 0.

            --once: one full reconcile, exit status as apply's (0 applied or nothing to do, 1 on any error).

            """ + HelpText.runExamples
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var api: APIOptions
    @OptionGroup var smoke: GateOptions
    @OptionGroup var notifications: NotifyOptions
    @OptionGroup var history: HistoryOptions

    @Option(name: .long, help: ArgumentHelp("Time between fetches: 30s, 5m, 1h.", valueName: "duration"))
    var interval: String = "5m"

    @Option(name: .long, help: ArgumentHelp("Random spread of the interval, as a percentage.", valueName: "percent"))
    var jitter: String = "10%"

    @Option(name: .long, help: ArgumentHelp("Time between full reconciles of every model.", valueName: "duration"))
    var driftInterval: String = "30m"

    @Option(name: .long, help: ArgumentHelp("How long reconciles may fail before /readyz reports not ready (default: 3 intervals).", valueName: "duration"))
    var readyThreshold: String?

    @Flag(name: .long, help: "Run one full reconcile and exit.")
    var once = false

    @Flag(name: .long, help: "Report drift and planned changes; never write (only read requests are made).")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Serve the status page (/), /healthz, /readyz, /metrics, /status, /history and /hooks/git here; :9090 is every interface, port 0 any free port.", valueName: "host:port"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("File holding the webhook secret; enables POST /hooks/git (HMAC-SHA256, X-Hub-Signature-256).", valueName: "file"))
    var webhookSecretFile: String?

    @Option(name: .long, help: "Log lines: text, or json (default: text on a terminal, json otherwise).")
    var logFormat: LogFormat?

    @Option(name: .long, help: ArgumentHelp("Refuse a plan that deletes more versions than this.", valueName: "n"))
    var maxDeletes: Int = ApplyRails.defaultMaxDeletes

    func validate() throws {
        try git.requireRepository()
        guard maxDeletes >= 0 else { throw ValidationError("--max-deletes must not be negative.") }
        _ = try schedule()
        if let listen, Self.hostAndPort(listen) == nil {
            throw ValidationError("--listen takes host:port, such as 127.0.0.1:9090, or :9090 for every interface.")
        }
    }

    func run() async throws {
        let format = logFormat ?? (isatty(STDERR_FILENO) == 1 ? .text : .json)
        LoggingSystem.bootstrap { label in
            switch format {
            case .text: return StreamLogHandler.standardError(label: label)
            case .json: return JSONLogHandler(label: label)
            }
        }
        let logger = Logger(label: "wriftsync.run")
        let schedule = try schedule()
        var secret: [UInt8]?
        if let webhookSecretFile {
            do {
                let text = try String(contentsOfFile: webhookSecretFile, encoding: .utf8)
                secret = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            } catch {
                printError("cannot read the webhook secret \(webhookSecretFile): \(error.localizedDescription)")
                throw ExitCode.failure
            }
            if secret?.isEmpty == true {
                printError("the webhook secret \(webhookSecretFile) is empty")
                throw ExitCode.failure
            }
        }
        // Held until the process exits: a second reconciler on this cache stops here.
        let lock: CacheLock
        do {
            lock = try CacheLock(directory: git.cacheDirectory)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        let metrics = ControllerMetrics()
        let client: WriftAIClient
        do {
            // --deadline bounds each reconcile, not the controller's whole life.
            client = try api.makeClient(metricsFactory: metrics.factory, sharedPacingDirectory: git.cacheDirectory, deadlineFromStart: false)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let pipeline: ReconcilePipeline
        do {
            pipeline = try git.pipeline(api: api, maxDeletes: maxDeletes, gate: smoke.gate)
        } catch {
            printError("\(error)")
            try? await client.shutdown()
            throw ExitCode.failure
        }
        let recorder: ReconcileRecorder
        do {
            recorder = try notifications.recorder(git: git, history: history, metricsFactory: metrics.factory, remembering: once)
        } catch {
            printError("\(error)")
            try? await client.shutdown()
            throw ExitCode.failure
        }
        var listenAddress: ControllerConfiguration.Listen?
        if let listen, let (host, port) = Self.hostAndPort(listen) {
            listenAddress = .init(host: host, port: port)
        }
        let controller = buildController(
            pipeline: pipeline, client: client,
            configuration: ControllerConfiguration(
                schedule: schedule, dryRun: dryRun, listen: listenAddress, webhookSecret: secret, reconcileDeadline: api.deadlineDuration
            ),
            metrics: metrics, logger: logger, recorder: recorder
        )
        if once {
            let started = ContinuousClock.now
            let report = await controller.reconciler.reconcile(ReconcileRequest(full: true, lastAppliedCommit: nil))
            await recorder.record(ReconcileOutcome(
                report: report, trigger: .start, duration: ContinuousClock.now - started, dryRun: dryRun, baseline: true
            ))
            await recorder.notifier?.deliverPosted(within: .seconds(15))
            try? await client.shutdown()
            withExtendedLifetime(lock) {}
            ReconcileLog.report(report, full: true, duration: ContinuousClock.now - started, to: logger)
            if !report.succeeded { throw ExitCode.failure }
            return
        }
        let services = controller.services { host, bound in
            // Tests and scripts read this line to learn a port-0 address.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger
            )
        )
        logger.info("reconciler started", metadata: [
            // Never `--repo` as given: it may embed credentials.
            "repository": "\(git.displayRepository)", "interval_s": .stringConvertible(schedule.interval.seconds),
            "drift_interval_s": .stringConvertible(schedule.driftInterval.seconds), "dry_run": .stringConvertible(dryRun),
        ])
        do {
            try await group.run()
        } catch {
            logger.error("reconciler stopped: \(error)")
            try? await client.shutdown()
            throw ExitCode.failure
        }
        try? await client.shutdown()
        withExtendedLifetime(lock) {}
    }

    /// The schedule the flags describe.
    private func schedule() throws -> Schedule {
        guard let interval = DurationText.parse(interval) else {
            throw ValidationError("--interval takes a duration such as 30s, 5m or 1h.")
        }
        guard let drift = DurationText.parse(driftInterval) else {
            throw ValidationError("--drift-interval takes a duration such as 30s, 5m or 1h.")
        }
        guard let jitterFraction = DurationText.parseFraction(jitter) else {
            throw ValidationError("--jitter takes a percentage between 0% and 100%.")
        }
        var threshold: Duration?
        if let readyThreshold {
            guard let value = DurationText.parse(readyThreshold) else {
                throw ValidationError("--ready-threshold takes a duration such as 30s, 5m or 1h.")
            }
            threshold = value
        }
        // The first retry comes soon; with short test intervals, sooner still.
        let backoff = min(Duration.seconds(1), interval / 4)
        return Schedule(interval: interval, jitter: jitterFraction, driftInterval: drift, initialBackoff: backoff, readinessThreshold: threshold)
    }

    static func hostAndPort(_ text: String) -> (String, Int)? {
        ControllerConfiguration.Listen(parsing: text).map { ($0.host, $0.port) }
    }
}

/// The formats of `wriftsync run --log-format`.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// Human lines.
    case text
    /// One JSON object per line.
    case json
}
