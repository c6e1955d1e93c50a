import Foundation
import Notifications
import Pipeline
import Testing
import WriftSyncTesting

/// `run --once` from a CronJob or a timer is one process per reconcile: the throttle's memory, kept under the
/// state directory, makes them repeat themselves no more than one long-running `run`. Each process forgot, so a
/// standing failure went out on every run (144 a day every 10 minutes) and no `recovered` ever did.
@Suite struct RecorderMemoryTests {
    /// One `run --once` process: a recorder reading and writing `memory`, recording `report` at `seconds`.
    static func once(_ report: ReconcileReport, at seconds: Double, memory: String) async -> [EventType] {
        // Posting only queues: the notifier is never run.
        let notifier = Notifier(sinks: [WebhookSink(url: "http://127.0.0.1:9/hook", secret: nil)], metrics: NotificationMetrics(factory: nil), logger: quietLogger)
        let recorder = ReconcileRecorder(source: source, history: nil, notifier: notifier, repeatAfter: .seconds(3600), memoryPath: memory, logger: quietLogger)
        let outcome = ReconcileOutcome(
            report: report, trigger: .start, full: true, finishedAt: Date(timeIntervalSince1970: seconds), duration: .seconds(1), baseline: true)
        return await recorder.record(outcome).map(\.type)
    }

    @Test func oneProcessAfterAnotherSendsAStandingFailureOnceThenRecovered() async throws {
        let directory = try TemporaryDirectory("recorder-memory")
        let memory = directory.path + "/notifications.json"
        #expect(await Self.once(report(failure: stalledFailure()), at: 0, memory: memory) == [.failed])
        for run in 1...5 {
            #expect(await Self.once(report(failure: stalledFailure()), at: Double(run * 600), memory: memory) == [], "run \(run)")
        }
        #expect(await Self.once(report(failure: stalledFailure()), at: 3600, memory: memory) == [.failed], "after --notify-repeat")
        #expect(await Self.once(report(upToDate: true), at: 4200, memory: memory) == [.recovered])
        #expect(await Self.once(report(upToDate: true), at: 4800, memory: memory) == [])
        // A damaged file is forgotten: one repeated notice, never a missed one.
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: memory))
        #expect(await Self.once(report(failure: transientFailure()), at: 5400, memory: memory) == [.failed])
        #expect(await Self.once(report(failure: transientFailure()), at: 6000, memory: memory) == [])
    }
}
