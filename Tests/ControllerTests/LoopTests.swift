@testable import Controller
import Pipeline
import Foundation
import ServiceLifecycle
import Testing
import WriftSyncTesting

/// The loop's own timing, on a test clock: each test advances the clock and waits for the loop's next wait
/// (``TestClock/nextSleep(within:after:)``) before looking, so nothing depends on how fast the machine is.
@Suite struct LoopTests {
    static func loop(
        _ reconciler: FakeReconciler, interval: Duration = .milliseconds(100), drift: Duration = .seconds(3600),
        backoff: Duration = .milliseconds(10), status: StatusStore = StatusStore(), metrics: ControllerMetrics = ControllerMetrics(),
        clock: TestClock = TestClock()
    ) -> ReconcileLoop {
        ReconcileLoop(
            reconciler: reconciler,
            schedule: Schedule(interval: interval, jitter: 0, driftInterval: drift, initialBackoff: backoff, readinessThreshold: .zero),
            status: status, metrics: metrics, logger: testLogger, clock: .test(clock)
        )
    }

    @Test func theFirstRunIsFullThenTicksReconcileWhatChangedSinceTheLastAppliedCommit() async throws {
        let fake = FakeReconciler { index in .at(index < 2 ? "c1" : "c2") }
        let clock = TestClock()
        let loop = Self.loop(fake, clock: clock)
        try await withRunningLoop(loop) {
            try await clock.waitForSleeps(1)
            for _ in 1...3 {
                try await clock.nextSleep { clock.advance(by: .milliseconds(100)) }
            }
            #expect(fake.finished == 4)
        }
        let requests = fake.requests
        try #require(requests.count >= 4)
        #expect(requests[0] == ReconcileRequest(full: true, lastAppliedCommit: nil))
        #expect(requests[1] == ReconcileRequest(full: false, lastAppliedCommit: "c1"))
        #expect(requests[2] == ReconcileRequest(full: false, lastAppliedCommit: "c1"))
        #expect(requests[3] == ReconcileRequest(full: false, lastAppliedCommit: "c2"), "the new commit is the base from then on")
        #expect(clock.sleeps == Array(repeating: .milliseconds(100), count: 4), "each wait is the interval (no jitter)")
    }

    @Test func aFullReconcileComesBackEveryDriftInterval() async throws {
        let fake = FakeReconciler()
        // Ticks every 10 ms, a full reconcile every 100 ms: nine incremental ticks, then the full one.
        let clock = TestClock()
        let loop = Self.loop(fake, interval: .milliseconds(10), drift: .milliseconds(100), clock: clock)
        try await withRunningLoop(loop) {
            try await clock.waitForSleeps(1)
            for _ in 1...20 {
                try await clock.nextSleep { clock.advance(by: .milliseconds(10)) }
            }
        }
        let requests = fake.requests
        #expect(requests.first?.full == true)
        let fullIndex = try #require(requests.dropFirst().firstIndex { $0.full })
        #expect(fullIndex > 1, "incremental ticks came between the full reconciles")
        #expect(requests[1..<fullIndex].allSatisfy { !$0.full })
        #expect(fullIndex == 10, "the first tick at the drift interval is full")
        #expect(requests.indices.filter { requests[$0].full } == [0, 10, 20], "and every drift interval after it")
    }

    @Test func failuresBackOffAndTheLoopRecovers() async throws {
        // Three failures, then success: the interval is long, so only the backoff can bring the retries.
        let fake = FakeReconciler { index in
            index < 3 ? .at("c1", failure: transientFailure("API down")) : .at("c1")
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        let clock = TestClock()
        let loop = Self.loop(fake, interval: .seconds(3600), backoff: .milliseconds(10), status: status, metrics: metrics, clock: clock)
        try await withRunningLoop(loop) {
            try await clock.waitForSleeps(1)
            for backoff in [10, 20, 40] {
                try await clock.nextSleep {
                    #expect(clock.advanceToNextDeadline() == .milliseconds(backoff), "the backoff doubles per failure")
                }
            }
            #expect(fake.finished >= 4)
            #expect(status.current.reconciles >= 4)
            #expect(status.current.lastRunAt == clock.date, "the status is stamped with the loop's wall time")
            #expect(status.current.nextRunAt == clock.date.addingTimeInterval(3600))
            clock.advance(by: .seconds(3599))
            #expect(clock.sleepers == 1, "a second short of the interval, the loop still waits")
        }
        #expect(fake.finished == 4, "after the success the loop waits for the (long) interval")
        #expect(clock.sleeps == [.milliseconds(10), .milliseconds(20), .milliseconds(40), .seconds(3600)])
        let current = status.current
        #expect(current.lastError == nil && current.failingSince == nil && current.lastAppliedCommit == "c1")
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_reconcile_total", ["result": "failure"]) == 3)
        #expect(sample(samples, "wriftsync_reconcile_total", ["result": "success"]) == 1)
        #expect(fake.requests.allSatisfy { $0.full }, "until one succeeds, every retry is the full reconcile")
    }

    @Test(.timeLimit(.minutes(1)))
    func gracefulShutdownLetsTheReconcileInFlightFinishAndStartsNothingNew() async throws {
        // Each reconcile takes three seconds of `work` time: it stays in flight until the test advances it.
        let work = TestClock()
        let fake = FakeReconciler(duration: .seconds(3), on: work)
        let clock = TestClock()
        let loop = Self.loop(fake, interval: .milliseconds(1), clock: clock)
        let group = ServiceGroup(configuration: .init(services: [loop], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await work.waitForSleepers(1)
            #expect(fake.inFlight == 1)
            let started = fake.requests.count
            await group.triggerGracefulShutdown()
            work.advance(by: .seconds(3))
            // The group ends by itself: the loop's clock never moves, so no tick ends its wait.
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
        let clock = TestClock()
        let loop = LoopTests.loop(fake, interval: .milliseconds(10), status: status, metrics: metrics, clock: clock)
        try await withRunningLoop(loop) {
            try await clock.waitForSleeps(1)
            for _ in 1...2 {
                try await clock.nextSleep { clock.advance(by: .milliseconds(10)) }
            }
            #expect(status.current.reconciles >= 3)
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
        let stalledClock = TestClock()
        try await withRunningLoop(LoopTests.loop(stalled, interval: .seconds(3600), backoff: .milliseconds(10), status: stalledStatus, clock: stalledClock)) {
            try await stalledClock.waitForSleeps(1)
            #expect(stalled.finished >= 1)
            stalledClock.advance(by: .seconds(60))
            #expect(stalledClock.sleepers == 1, "a minute later, far past any backoff, the loop still waits")
        }
        #expect(stalled.finished == 1, "a stalled failure waits for the next tick (an hour), not for a backoff")
        #expect(stalledClock.sleeps == [.seconds(3600)])
        #expect(stalledStatus.current.lastFailure?.failureClass == .stalled)

        let transient = FakeReconciler { _ in .at("c1", failure: transientFailure("API down")) }
        let transientStatus = StatusStore()
        let transientClock = TestClock()
        try await withRunningLoop(LoopTests.loop(transient, interval: .seconds(3600), backoff: .milliseconds(10), status: transientStatus, clock: transientClock)) {
            try await transientClock.waitForSleeps(1)
            for _ in 1...2 {
                try await transientClock.nextSleep { _ = transientClock.advanceToNextDeadline() }
            }
            #expect(transient.finished >= 3, "a transient failure is retried with backoff")
        }
        #expect(transientClock.sleeps == [.milliseconds(10), .milliseconds(20), .milliseconds(40)])
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
        let clock = TestClock()
        try await withRunningLoop(LoopTests.loop(stalled, interval: .milliseconds(10), status: status, metrics: metrics, clock: clock)) {
            try await clock.waitForSleeps(1)
            for _ in 1...4 {
                try await clock.nextSleep { clock.advance(by: .milliseconds(10)) }
            }
            #expect(stalled.finished >= 5)
        }
        let current = status.current
        #expect(current.lastFailure?.failureClass == .stalled)
        #expect(current.lastFailure?.stage == .load)
        #expect(current.lastFailure?.problems == ["models/a.yaml:2:11: 'versions' must be a list"])
        #expect(current.failingSince != nil && current.lastSuccessAt == nil, "still failing while it waits")
        #expect(current.failingSince == clock.startDate, "since the first run, on the loop's wall time")
        #expect(current.lastAppliedCommit == nil, "the stalled commit is never taken as applied")
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_reconcile_failures_total", ["class": "stalled"]) == 1, "counted once, not at every tick")
    }

    @Test func aStalledCommitIsTriedAgainAtTheDriftInterval() async throws {
        // Ticks every 20 ms after a first apply of c0; c1 stalls at the first tick. The ticks skip the stalled commit
        // (without a commit applied, every tick would be full): the drift interval brings the full reconcile that
        // tries it again.
        let fake = FakeReconciler { index, request in
            if index == 0 { return .at("c0") }
            if index == 1 { return .at("c1", failure: stalledFailure()) }
            // The commit is fixed (say, the API answered again): only a full reconcile tries it.
            return request.full ? .at("c1") : .at("c1", upToDate: true)
        }
        let status = StatusStore()
        let clock = TestClock()
        let loop = ReconcileLoop(
            reconciler: fake,
            schedule: Schedule(interval: .milliseconds(20), jitter: 0, driftInterval: .milliseconds(200), initialBackoff: .seconds(3600)),
            status: status, metrics: ControllerMetrics(), logger: testLogger, clock: .test(clock)
        )
        try await withRunningLoop(loop) {
            try await clock.waitForSleeps(1)
            for _ in 1...9 {
                try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
            }
            #expect(status.current.lastAppliedCommit == "c0", "the ticks before the drift interval skip the stalled commit")
            #expect(status.current.lastFailure?.failureClass == .stalled)
            try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
            #expect(status.current.lastAppliedCommit == "c1")
        }
        #expect(fake.requests.first?.full == true)
        #expect(fake.requests.dropFirst().contains { $0.full })
        #expect(fake.requests[1...9].allSatisfy { !$0.full && $0.lastAppliedCommit == "c0" })
        #expect(fake.requests[2...9].allSatisfy { $0.stalledCommit == "c1" }, "each tick is told which commit stalled")
        #expect(fake.requests.count == 11 && fake.requests[10].full, "the full reconcile came at the drift interval, 200 ms after the first")
        #expect(status.current.lastFailure == nil)
    }
}
