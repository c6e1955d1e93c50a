import Foundation
import Metrics
import Notifications
import Pipeline
import Synchronization
import Testing
import WriftSyncTesting

/// Delivery against a real receiver on loopback: queued, retried with backoff (waits counted, not timed),
/// counted by outcome, dropped when the queue is full, never holding up the caller.
@Suite struct NotifierTests {
    static func event(_ type: EventType = .applied, summary: String = "applied") -> ReconcileEvent {
        ReconcileEvent(type: type, time: Date(), repository: source.repository, ref: "refs/heads/main", path: "models",
                       commit: .init(id: String(repeating: "c", count: 40)), trigger: .tick, summary: summary)
    }

    /// Counts what the notifier records, by `sink outcome`.
    final class Counts: MetricsFactory, Sendable {
        private let storage = Storage()

        final class Storage: Sendable {
            let counts = Mutex<[String: Int64]>([:])
        }

        subscript(_ sink: String, _ outcome: String) -> Int64 { storage.counts.withLock { $0["\(sink) \(outcome)"] ?? 0 } }

        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
            let values = Dictionary(dimensions, uniquingKeysWith: { first, _ in first })
            return Handler(key: "\(values["sink"] ?? "") \(values["outcome"] ?? "")", storage: storage)
        }

        final class Handler: CounterHandler, Sendable {
            let key: String
            let storage: Storage
            init(key: String, storage: Storage) {
                self.key = key
                self.storage = storage
            }
            func increment(by amount: Int64) { storage.counts.withLock { $0[key, default: 0] += amount } }
            func reset() { storage.counts.withLock { $0[key] = 0 } }
        }

        func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { fatalError("unused") }
        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { fatalError("unused") }
        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { fatalError("unused") }
        func destroyCounter(_ handler: any CounterHandler) {}
        func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
        func destroyRecorder(_ handler: any RecorderHandler) {}
        func destroyTimer(_ handler: any TimerHandler) {}
    }

    /// Runs `notifier` for `body`, then stops it as a shutdown would.
    static func running<T: Sendable>(_ notifier: Notifier, _ body: () async throws -> T) async throws -> T {
        let task = Task { try await notifier.run() }
        defer { notifier.stop() }
        let value = try await body()
        notifier.stop()
        try await task.value
        return value
    }

    @Test func eventsReachTheReceiverSignedAndInOrder() async throws {
        try await withRecordingServer { server in
            let counts = Counts()
            let notifier = Notifier(
                sinks: [WebhookSink(url: server.url + "/hook", secret: Array("k".utf8))], metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            try await Self.running(notifier) {
                notifier.post([Self.event(.failed, summary: "one"), Self.event(.recovered, summary: "two")])
                #expect(await eventually { server.requests.count == 2 })
            }
            let requests = server.requests
            #expect(requests.map(\.path) == ["/hook", "/hook"])
            #expect(requests.map { $0.headers["x-wriftsync-event"] } == ["failed", "recovered"])
            for request in requests {
                #expect(request.headers["x-wriftsync-signature-256"] == WebhookSink.signature(of: request.body, secret: Array("k".utf8)))
                #expect(request.headers["content-type"] == "application/json")
            }
            #expect(counts["webhook", "delivered"] == 2 && counts["webhook", "failed"] == 0)
        }
    }

    @Test func aReceiverAnswering503IsRetriedWithBackoffUntilItTakesTheEvent() async throws {
        try await withRecordingServer(respond: { _, index in index < 2 ? 503 : 200 }) { server in
            let counts = Counts(), sleeper = CountingSleeper()
            let notifier = Notifier(
                sinks: [SlackSink(url: server.url + "/services/T/B/X")], configuration: .init(sleep: sleeper.sleep),
                metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            try await Self.running(notifier) {
                notifier.post([Self.event()])
                #expect(await eventually { counts["slack", "delivered"] == 1 })
            }
            #expect(server.requests.count == 3)
            #expect(sleeper.recorded == [.seconds(1), .seconds(2)], "1 s, then 2 s")
            #expect(counts["slack", "retried"] == 2)
        }
    }

    /// Past its time limit a command stops the notifier, which then ends by itself: a failing sink's retry wait
    /// is cancelled and its event given up. The command still waited out the whole shutdown grace.
    @Test func aCommandWaitsNoLongerThanItsDeliveriesTake() async throws {
        try await withRecordingServer(respond: { _, _ in 503 }) { server in
            let counts = Counts()
            let notifier = Notifier(
                sinks: [WebhookSink(url: server.url, secret: nil)],
                configuration: .init(shutdownGrace: .seconds(600), sleep: { try await Task.sleep(for: $0 * 3600) }),
                metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            notifier.post([Self.event()])
            let clock = ContinuousClock()
            let waited = await clock.measure { await notifier.deliverPosted(within: .milliseconds(500)) }
            // Far from the grace: a full test run on two cores has made a half-second wait take a minute.
            #expect(waited < .seconds(300), "\(waited): not the 600 s grace")
            #expect(server.requests.count == 1, "the first attempt; its retry was waiting at the stop")
            #expect(counts["webhook", "failed"] == 1)
        }
    }

    /// A receiver that takes the connection and never answers held a stopping notifier for a whole request
    /// timeout, past the shutdown grace: an attempt begun while stopping now ends with the grace.
    @Test func anAttemptBegunWhileStoppingEndsWithTheGrace() async throws {
        // Listening, never accepting: the connection is made by the kernel, and no answer ever comes.
        let (held, port) = try boundLoopbackSocket()
        defer { close(held) }
        #expect(listen(held, 4) == 0)
        let counts = Counts()
        let notifier = Notifier(
            sinks: [WebhookSink(url: "http://127.0.0.1:\(port)/hook", secret: nil)],
            configuration: .init(requestTimeout: .seconds(600), shutdownGrace: .milliseconds(500)),
            metrics: NotificationMetrics(factory: counts), logger: quietLogger
        )
        notifier.post([Self.event()])
        notifier.stop()
        let waited = await ContinuousClock().measure { try? await notifier.run() }
        // Far from the timeout: a full test run on two cores has made this half-second grace take a minute.
        #expect(waited < .seconds(300), "\(waited): not the 600 s request timeout")
        #expect(counts["webhook", "failed"] + counts["webhook", "dropped"] == 1)
    }

    @Test func aRequestTheReceiverRefusesIsNotRetried() async throws {
        try await withRecordingServer(respond: { _, _ in 401 }) { server in
            let counts = Counts(), sleeper = CountingSleeper()
            let notifier = Notifier(
                sinks: [WebhookSink(url: server.url, secret: nil)], configuration: .init(sleep: sleeper.sleep),
                metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            try await Self.running(notifier) {
                notifier.post([Self.event()])
                #expect(await eventually { counts["webhook", "failed"] == 1 })
            }
            #expect(server.requests.count == 1 && sleeper.recorded.isEmpty)
        }
    }

    @Test func aSinkThatRefusesConnectionsDelaysNothingAndIsCounted() async throws {
        // A port nobody listens on: the recording server's, once it stopped.
        let deadURL = try await withRecordingServer { $0.url }
        try await withRecordingServer { server in
            let counts = Counts(), sleeper = CountingSleeper()
            let notifier = Notifier(
                sinks: [WebhookSink(url: deadURL + "/hook", secret: nil), WebhookSink(url: server.url + "/hook", secret: nil)],
                configuration: .init(retry: DeliveryRetry(maxAttempts: 3), sleep: sleeper.sleep),
                metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            try await Self.running(notifier) {
                let clock = ContinuousClock()
                let posting = clock.measure { for _ in 0..<20 { notifier.post([Self.event()]) } }
                #expect(posting < .seconds(5), "posting only queues")
                #expect(await eventually { server.requests.count == 20 }, "the working sink is not held up by the dead one")
                #expect(await eventually { counts["webhook", "failed"] == 20 })
            }
            #expect(counts["webhook", "retried"] == 40 && counts["webhook", "delivered"] == 20)
        }
    }

    @Test func aStopCutsARetryWaitShort() async throws {
        let deadURL = try await withRecordingServer { $0.url }
        let counts = Counts()
        // A ten-minute wait between attempts: only a stop that ends the wait lets this test finish.
        let notifier = Notifier(
            sinks: [WebhookSink(url: deadURL, secret: nil)], configuration: .init(retry: DeliveryRetry(initialDelay: .seconds(600))),
            metrics: NotificationMetrics(factory: counts), logger: quietLogger
        )
        let running = Task { try await notifier.run() }
        notifier.post([Self.event()])
        #expect(await eventually { counts["webhook", "retried"] == 1 })
        notifier.stop()
        try await running.value
        #expect(counts["webhook", "failed"] == 1, "given up at the stop")
    }

    @Test func aFullQueueDropsTheEventAndCountsIt() async throws {
        let counts = Counts()
        let notifier = Notifier(
            sinks: [WebhookSink(url: "http://127.0.0.1:9/never", secret: nil)], configuration: .init(queueCapacity: 2),
            metrics: NotificationMetrics(factory: counts), logger: quietLogger
        )
        // Not running: nothing is taken off the queue.
        notifier.post([Self.event(), Self.event(), Self.event(), Self.event()])
        #expect(counts["webhook", "dropped"] == 2)
        notifier.stop()
        notifier.post([Self.event()])
        #expect(counts["webhook", "dropped"] == 3, "after a stop, an event is dropped too")
    }

    @Test func atGracefulShutdownWhatIsQueuedGetsOneAttemptWithoutWaiting() async throws {
        try await withRecordingServer(respond: { _, _ in 503 }) { server in
            let counts = Counts(), sleeper = CountingSleeper()
            let notifier = Notifier(
                sinks: [WebhookSink(url: server.url, secret: nil)], configuration: .init(sleep: sleeper.sleep),
                metrics: NotificationMetrics(factory: counts), logger: quietLogger
            )
            notifier.post([Self.event(), Self.event()])
            notifier.stop()
            try await notifier.run()
            #expect(server.requests.count == 2)
            #expect(counts["webhook", "failed"] == 2 && sleeper.recorded.isEmpty)
        }
    }
}
