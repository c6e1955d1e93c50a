import Foundation
import GitSource
import Logging
import ServiceLifecycle
import Synchronization
import WriftAI

/// Delivers events to the sinks without ever holding up a reconcile: ``post(_:)`` only queues. Each sink has
/// its own bounded queue and worker, so a slow or dead receiver delays no other sink and no reconcile; a
/// full queue drops the event (counted and logged). Failed attempts are retried by ``DeliveryRetry``, the
/// waits through an injectable sleeper. As a `Service` it stops at graceful shutdown: what is queued then gets
/// one attempt each, within ``Configuration/shutdownGrace``, the rest is dropped.
public final class Notifier: Service, Sendable {
    /// How deliveries are queued, timed and retried.
    public struct Configuration: Sendable {
        /// Events queued per sink; one more is dropped.
        public var queueCapacity: Int
        /// When to try again.
        public var retry: DeliveryRetry
        /// How long one attempt may take, connecting included.
        public var requestTimeout: Duration
        /// How long a stopping notifier keeps sending what is queued.
        public var shutdownGrace: Duration
        /// Waits between attempts (tests give one that counts and returns at once).
        public var sleep: @Sendable (Duration) async throws -> Void
        /// Extra CA certificates (PEM) trusted for the sinks, added to the system's.
        public var caFile: String?

        /// A configuration: 256 events per sink, 5 attempts over about 15 s, 10 s per attempt, 10 s of grace.
        public init(
            queueCapacity: Int = 256, retry: DeliveryRetry = DeliveryRetry(), requestTimeout: Duration = .seconds(10),
            shutdownGrace: Duration = .seconds(10), caFile: String? = nil,
            sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
        ) {
            self.queueCapacity = queueCapacity
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.shutdownGrace = shutdownGrace
            self.caFile = caFile
            self.sleep = sleep
        }
    }

    private struct Item: Sendable {
        let type: EventType
        let id: String
        let request: DeliveryRequest
    }

    private struct Lane: Sendable {
        let sink: any NotificationSink
        let stream: AsyncStream<Item>
        let continuation: AsyncStream<Item>.Continuation
    }

    /// The sinks, in the order given.
    public var sinks: [any NotificationSink] { lanes.map(\.sink) }
    private let lanes: [Lane]
    private let configuration: Configuration
    private let metrics: NotificationMetrics
    private let logger: Logger
    /// Set when stopping: the moment after which nothing more is sent.
    private let stopDeadline = Mutex<ContinuousClock.Instant?>(nil)
    /// The waits between attempts under way, which a stop cuts short.
    private let waits = Mutex<[UUID: Task<Void, any Error>]>([:])

    /// A notifier for `sinks`, counting in `metrics`. Nothing is sent until ``run()``.
    public init(sinks: [any NotificationSink], configuration: Configuration = Configuration(), metrics: NotificationMetrics, logger: Logger) {
        lanes = sinks.map { sink in
            let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingOldest(max(configuration.queueCapacity, 1)))
            return Lane(sink: sink, stream: stream, continuation: continuation)
        }
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        metrics.prepare(sinks.map(\.kind))
    }

    /// Queues `events` for every sink that sends them. Never waits.
    public func post(_ events: [ReconcileEvent]) {
        for event in events {
            for lane in lanes {
                let request: DeliveryRequest?
                do {
                    request = try lane.sink.request(for: event)
                } catch {
                    logger.error("notification not sent: it could not be encoded", metadata: ["sink": "\(lane.sink.displayName)", "event": "\(event.type.rawValue)", "error": "\(error)"])
                    metrics.record(sink: lane.sink.kind, outcome: "failed")
                    continue
                }
                guard let request else { continue }
                switch lane.continuation.yield(Item(type: event.type, id: event.id, request: request)) {
                case .enqueued:
                    break
                case .dropped:
                    drop(event.type, id: event.id, sink: lane.sink, reason: "its queue is full (\(configuration.queueCapacity) events waiting)")
                case .terminated:
                    drop(event.type, id: event.id, sink: lane.sink, reason: "the notifier has stopped")
                @unknown default:
                    drop(event.type, id: event.id, sink: lane.sink, reason: "it could not be queued")
                }
            }
        }
    }

    /// Delivers until ``finish()`` (then what is queued is delivered first) or a graceful shutdown.
    public func run() async throws {
        guard !lanes.isEmpty else { return }
        // No redirect is followed: one would carry the signature or the token to wherever it points. A
        // receiver that is down fails the attempt at once; the retry policy waits.
        let client = HTTP1Client(caFile: configuration.caFile)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for lane in lanes {
                    group.addTask { await self.work(lane, client: client) }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        await client.shutdown()
    }

    /// Takes no more events; ``run()`` returns once the queued ones are delivered (or given up).
    public func finish() {
        for lane in lanes { lane.continuation.finish() }
    }

    /// Takes no more events, and sends what is queued once each, without waiting between attempts, for at
    /// most the shutdown grace; the rest is dropped.
    public func stop() {
        stopDeadline.withLock { deadline in
            if deadline == nil { deadline = .now + configuration.shutdownGrace }
        }
        // A retry waiting (up to the longest delay) would hold the shutdown: it ends now, as given up.
        waits.withLock { waits in
            for wait in waits.values { wait.cancel() }
        }
        finish()
    }

    /// For a command that exits: runs, delivers what was posted, and returns within `limit` (then stops,
    /// as at a shutdown).
    public func deliverPosted(within limit: Duration) async {
        finish()
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                try? await self.run()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            if await group.next() == false {
                stop()
                // Within the grace the run ends by itself (then this returns at once: a sink that keeps failing
                // held every `apply` for the whole grace); past it the sends in flight are cancelled.
                group.addTask {
                    try? await Task.sleep(for: self.configuration.shutdownGrace)
                    return false
                }
                _ = await group.next()
            }
            group.cancelAll()
        }
    }

    private var isStopping: Bool { stopDeadline.withLock { $0 != nil } }

    private func work(_ lane: Lane, client: HTTP1Client) async {
        for await item in lane.stream {
            if let deadline = stopDeadline.withLock({ $0 }), ContinuousClock.now >= deadline || Task.isCancelled {
                drop(item.type, id: item.id, sink: lane.sink, reason: "the process stopped before it was sent")
                continue
            }
            await deliver(item, sink: lane.sink, client: client)
        }
    }

    private func deliver(_ item: Item, sink: any NotificationSink, client: HTTP1Client) async {
        var attempt = 0
        while true {
            attempt += 1
            let result = await send(item.request, client: client)
            if DeliveryRetry.isDelivered(result) {
                metrics.record(sink: sink.kind, outcome: "delivered")
                logger.debug("notification delivered", metadata: ["sink": "\(sink.displayName)", "event": "\(item.type.rawValue)", "attempt": .stringConvertible(attempt)])
                return
            }
            let delay = isStopping || Task.isCancelled ? nil : configuration.retry.delay(after: result, attempt: attempt)
            guard let delay else {
                metrics.record(sink: sink.kind, outcome: "failed")
                logger.warning("notification failed", metadata: [
                    "sink": "\(sink.displayName)", "event": "\(item.type.rawValue)", "id": "\(item.id)",
                    "attempts": .stringConvertible(attempt), "result": "\(Self.describe(result))",
                ])
                return
            }
            metrics.record(sink: sink.kind, outcome: "retried")
            do {
                try await wait(delay)
            } catch {
                metrics.record(sink: sink.kind, outcome: "failed")
                logger.warning("notification failed: stopped while waiting to retry", metadata: ["sink": "\(sink.displayName)", "event": "\(item.type.rawValue)"])
                return
            }
        }
    }

    /// Waits `delay` through the configured sleeper; a stop (or cancellation) ends the wait with an error.
    private func wait(_ delay: Duration) async throws {
        let id = UUID()
        let sleep = configuration.sleep
        let task = Task { try await sleep(delay) }
        waits.withLock { $0[id] = task }
        defer { waits.withLock { _ = $0.removeValue(forKey: id) } }
        // Registered after a stop cut the waits short: this one ends too.
        if isStopping { task.cancel() }
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
        if task.isCancelled { throw CancellationError() }
    }

    private func send(_ delivery: DeliveryRequest, client: HTTP1Client) async -> DeliveryRetry.Result {
        var headers = [(name: "Content-Type", value: "application/json"), (name: "User-Agent", value: "wriftsync/\(GitSourceVersion.string)")]
        for (name, value) in delivery.headers.sorted(by: { $0.key < $1.key }) { headers.append((name: name, value: value)) }
        // Once stopping, an attempt ends with the grace: a receiver that never answers held the shutdown for a
        // whole request timeout more.
        var timeout = configuration.requestTimeout
        if let deadline = stopDeadline.withLock({ $0 }) { timeout = max(.milliseconds(1), min(timeout, deadline - .now)) }
        do {
            // The whole answer is read, so that the connection can be reused; one over 1 MiB counts as none.
            let answer = try await client.send(
                delivery.method, delivery.url, headers: headers, body: delivery.body, timeout: timeout, limit: 1 << 20)
            return .status(answer.status, retryAfter: DeliveryRetry.retryAfter(
                answer.header("retry-after"), remaining: answer.header("x-ratelimit-remaining"), reset: answer.header("x-ratelimit-reset"),
                now: Date().timeIntervalSince1970))
        } catch {
            return .transportError
        }
    }

    private func drop(_ type: EventType, id: String, sink: any NotificationSink, reason: String) {
        metrics.record(sink: sink.kind, outcome: "dropped")
        logger.warning("notification dropped: \(reason)", metadata: ["sink": "\(sink.displayName)", "event": "\(type.rawValue)", "id": "\(id)"])
    }

    private static func describe(_ result: DeliveryRetry.Result) -> String {
        switch result {
        case let .status(code, _): "HTTP \(code)"
        case .transportError: "no answer (connection refused, reset or timed out)"
        }
    }
}
