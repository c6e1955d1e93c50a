import Controller
import Foundation
import Notifications
import Pipeline
import ServiceLifecycle
import Synchronization
import Testing
import WriftSyncTesting

/// The controller's loop hands each reconcile to the recorder: a failure repeated over five intervals is
/// sent once, then `recovered` once when it clears; every failed reconcile is in the history.
@Suite struct LoopNotificationTests {
    /// A reconciler answering from a script, recording what it was asked.
    final class ScriptedReconciler: Reconciling {
        private let asked = Mutex<[ReconcileRequest]>([])
        private let script: @Sendable (Int) -> ReconcileReport

        init(_ script: @escaping @Sendable (Int) -> ReconcileReport) {
            self.script = script
        }

        var requests: [ReconcileRequest] { asked.withLock { $0 } }

        func reconcile(_ request: ReconcileRequest) async -> ReconcileReport {
            let index = asked.withLock { requests in
                requests.append(request)
                return requests.count - 1
            }
            return script(index)
        }
    }

    @Test func aFailureRepeatedOverFiveIntervalsSendsOneFailedThenOneRecovered() async throws {
        let directory = try TemporaryDirectory("loop-history")
        try await withRecordingServer { server in
            let created = plan([change("acme/a", .create, seed: 1)])
            let fake = ScriptedReconciler { index in
                switch index {
                case 0: report(commit: "c0", plan: created, applied: result(of: created), changed: ["acme/a"])
                case 1...5: report(commit: "c0", failure: transientFailure("the API answered 503"))
                default: report(commit: "c0", upToDate: true)
                }
            }
            let history = HistoryStore(configuration: .init(directory: directory.path))
            let notifier = Notifier(sinks: [WebhookSink(url: server.url + "/hook", secret: nil)], metrics: NotificationMetrics(factory: nil), logger: quietLogger)
            let recorder = ReconcileRecorder(source: source, history: history, notifier: notifier, logger: quietLogger)
            let clock = TestClock()
            let loop = ReconcileLoop(
                reconciler: fake,
                schedule: Schedule(interval: .milliseconds(20), jitter: 0, driftInterval: .seconds(3600), initialBackoff: .milliseconds(5)),
                status: StatusStore(), metrics: ControllerMetrics(), logger: quietLogger, recorder: recorder,
                clock: .test(clock)
            )
            let group = ServiceGroup(configuration: .init(services: [notifier, loop], logger: quietLogger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // Ten runs: the loop's clock moves to each wait's end, and the test waits for the next wait.
                try await clock.waitForSleeps(1)
                for _ in 1...9 {
                    try await clock.nextSleep { _ = clock.advanceToNextDeadline() }
                }
                #expect(fake.requests.count >= 10)
                // The notifier sends on its own task, over HTTP: only its delivery is waited for.
                #expect(await eventually { server.requests.count >= 3 })
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let types = try server.requests.map { request in
                try JSONDecoder.iso8601.decode(ReconcileEvent.self, from: Data(request.body)).type
            }
            #expect(types == [.applied, .failed, .recovered], "\(types)")
            #expect(fake.requests.prefix(7).map(\.trigger) == [.start, .tick, .retry, .retry, .retry, .retry, .retry])
            #expect(
                Array(clock.sleeps.prefix(7)) == [20, 5, 10, 20, 20, 20, 20].map { Duration.milliseconds($0) },
                "the interval, then the backoff doubling from 5 ms up to the interval, then the interval again")

            let records = try history.read().records
            #expect(records.map(\.result) == [.applied, .failed, .failed, .failed, .failed, .failed], "every failed reconcile is kept; idle ticks are not")
            #expect(records.map(\.trigger) == [.start, .tick, .retry, .retry, .retry, .retry])
        }
    }
}
