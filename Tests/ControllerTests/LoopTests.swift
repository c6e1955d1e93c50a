@testable import Controller
import Pipeline
import Foundation
import ServiceLifecycle
import Testing
import WriftSyncTesting

@Suite struct LoopTests {
    static func loop(
        _ reconciler: FakeReconciler, interval: Duration = .milliseconds(100), drift: Duration = .seconds(3600),
        backoff: Duration = .milliseconds(10), status: StatusStore = StatusStore(), metrics: ControllerMetrics = ControllerMetrics()
    ) -> ReconcileLoop {
        ReconcileLoop(
            reconciler: reconciler,
            schedule: Schedule(interval: interval, jitter: 0, driftInterval: drift, initialBackoff: backoff, readinessThreshold: .zero),
            status: status, metrics: metrics, logger: testLogger
        )
    }

    @Test func theFirstRunIsFullThenTicksReconcileWhatChangedSinceTheLastAppliedCommit() async throws {
        let fake = FakeReconciler { index in .at(index < 2 ? "c1" : "c2") }
        let loop = Self.loop(fake)
        try await withRunningLoop(loop) {
            #expect(await eventually { fake.finished >= 4 })
        }
        let requests = fake.requests
        try #require(requests.count >= 4)
        #expect(requests[0] == ReconcileRequest(full: true, lastAppliedCommit: nil))
        #expect(requests[1] == ReconcileRequest(full: false, lastAppliedCommit: "c1"))
        #expect(requests[2] == ReconcileRequest(full: false, lastAppliedCommit: "c1"))
        #expect(requests[3] == ReconcileRequest(full: false, lastAppliedCommit: "c2"), "the new commit is the base from then on")
    }

    @Test func aFullReconcileComesBackEveryDriftInterval() async throws {
        let fake = FakeReconciler()
        // Ticks every 10ms, a full reconcile every 2s: most ticks are incremental, some are full. The drift interval
        // is long next to the tick so that a loaded machine stalling the loop for a while still sees incremental ticks.
        let loop = Self.loop(fake, interval: .milliseconds(10), drift: .seconds(2))
        try await withRunningLoop(loop) {
            #expect(await eventually { fake.requests.dropFirst().contains { $0.full } })
        }
        let requests = fake.requests
        #expect(requests.first?.full == true)
        let fullIndex = try #require(requests.dropFirst().firstIndex { $0.full })
        #expect(fullIndex > 1, "incremental ticks came between the full reconciles")
        #expect(requests[1..<fullIndex].allSatisfy { !$0.full })
    }

    @Test func failuresBackOffAndTheLoopRecovers() async throws {
        // Three failures, then success: the interval is long, so only the backoff can bring the retries.
        let fake = FakeReconciler { index in
            index < 3 ? .at("c1", failure: transientFailure("API down")) : .at("c1")
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        let loop = Self.loop(fake, interval: .seconds(3600), backoff: .milliseconds(10), status: status, metrics: metrics)
        try await withRunningLoop(loop) {
            #expect(await eventually { fake.finished >= 4 })
            #expect(await eventually { status.current.reconciles >= 4 })
        }
        #expect(fake.finished == 4, "after the success the loop waits for the (long) interval")
        let current = status.current
        #expect(current.lastError == nil && current.failingSince == nil && current.lastAppliedCommit == "c1")
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_reconcile_total", ["result": "failure"]) == 3)
        #expect(sample(samples, "wriftsync_reconcile_total", ["result": "success"]) == 1)
        #expect(fake.requests.allSatisfy { $0.full }, "until one succeeds, every retry is the full reconcile")
    }

    @Test func gracefulShutdownLetsTheReconcileInFlightFinishAndStartsNothingNew() async throws {
        // Long enough that the reconcile seen in flight is still in flight when the shutdown comes, even on
        // a loaded machine.
        let fake = FakeReconciler(duration: .seconds(3))
        let loop = Self.loop(fake, interval: .milliseconds(1))
        let group = ServiceGroup(configuration: .init(services: [loop], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await eventually { fake.inFlight == 1 })
            let started = fake.requests.count
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(fake.requests.count == started, "nothing new started")
            #expect(fake.inFlight == 0 && fake.finished == started, "the reconcile in flight finished")
        }
    }
}

@Suite struct UpToDateTests {
    @Test func aTickFindingNoNewCommitKeepsTheLastPlanFigures() async throws {
        let fake = FakeReconciler { index in
            index == 0
                ? .at("c1", planned: ChangeCounts(create: 3))
                : .at("c1", upToDate: true)
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        let loop = LoopTests.loop(fake, interval: .milliseconds(10), status: status, metrics: metrics)
        try await withRunningLoop(loop) {
            #expect(await eventually { status.current.reconciles >= 3 })
        }
        #expect(status.current.lastPlan == ChangeCounts(create: 3))
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_planned_changes", ["action": "create"]) == 3)
    }
}

@Suite struct FailureClassTests {
    @Test func aStalledFailureIsNotRetriedWithBackoffWhileATransientOneIs() async throws {
        // An hour-long interval and a 10 ms backoff: only a retry with backoff can bring a second run soon.
        let stalled = FakeReconciler { _ in .at("c1", failure: stalledFailure()) }
        let stalledStatus = StatusStore()
        try await withRunningLoop(LoopTests.loop(stalled, interval: .seconds(3600), backoff: .milliseconds(10), status: stalledStatus)) {
            #expect(await eventually { stalled.finished >= 1 })
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(stalled.finished == 1, "a stalled failure waits for the next tick (an hour), not for a backoff")
        #expect(stalledStatus.current.lastFailure?.failureClass == .stalled)

        let transient = FakeReconciler { _ in .at("c1", failure: transientFailure("API down")) }
        let transientStatus = StatusStore()
        try await withRunningLoop(LoopTests.loop(transient, interval: .seconds(3600), backoff: .milliseconds(10), status: transientStatus)) {
            #expect(await eventually { transient.finished >= 3 }, "a transient failure is retried with backoff")
        }
        #expect(transientStatus.current.lastFailure?.failureClass == .transient)
        #expect(transientStatus.current.lastFailure?.message == transientFailure("API down").description)
    }

    @Test func ticksAfterAStalledFailureSkipItsCommitAndItIsCountedOnce() async throws {
        let stalled = FakeReconciler { index, request in
            if index == 0 { return .at("c1", failure: stalledFailure()) }
            #expect(request.stalledCommit == "c1", "each tick is told which commit stalled, so that it can skip it")
            return .at("c1", upToDate: true)
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        try await withRunningLoop(LoopTests.loop(stalled, interval: .milliseconds(10), status: status, metrics: metrics)) {
            #expect(await eventually { stalled.finished >= 5 })
        }
        let current = status.current
        #expect(current.lastFailure?.failureClass == .stalled)
        #expect(current.lastFailure?.stage == .load)
        #expect(current.lastFailure?.problems == ["models/a.yaml:2:11: 'versions' must be a list"])
        #expect(current.failingSince != nil && current.lastSuccessAt == nil, "still failing while it waits")
        #expect(current.lastAppliedCommit == nil, "the stalled commit is never taken as applied")
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_reconcile_failures_total", ["class": "stalled"]) == 1, "counted once, not at every tick")
    }

    @Test func aStalledCommitIsTriedAgainAtTheDriftInterval() async throws {
        // An hour-long tick; the drift interval brings the full reconcile that tries the stalled commit again.
        let fake = FakeReconciler { index, request in
            if index == 0 { return .at("c1", failure: stalledFailure()) }
            // The commit is fixed (say, the API answered again): only a full reconcile tries it.
            return request.full ? .at("c1") : .at("c1", upToDate: true)
        }
        let status = StatusStore()
        let loop = ReconcileLoop(
            reconciler: fake,
            schedule: Schedule(interval: .milliseconds(20), jitter: 0, driftInterval: .milliseconds(200), initialBackoff: .seconds(3600)),
            status: status, metrics: ControllerMetrics(), logger: testLogger
        )
        try await withRunningLoop(loop) {
            #expect(await eventually { status.current.lastAppliedCommit == "c1" })
        }
        #expect(fake.requests.first?.full == true)
        #expect(fake.requests.dropFirst().contains { $0.full })
        #expect(status.current.lastFailure == nil)
    }
}
