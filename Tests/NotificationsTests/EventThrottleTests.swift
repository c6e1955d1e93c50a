import Foundation
import Notifications
import Pipeline
import Planner
import Testing

/// A failure repeated every interval is sent once, again when it changes or after the repeat, and a
/// `recovered` follows when it clears. The time is given, so nothing waits.
@Suite struct EventThrottleTests {
    static func outcome(_ report: ReconcileReport, at seconds: Double, full: Bool = false, waiting: Bool = false) -> ReconcileOutcome {
        ReconcileOutcome(
            report: report, trigger: .tick, full: full, finishedAt: Date(timeIntervalSince1970: seconds), duration: .seconds(1),
            baseline: false, waitingOnStalled: waiting
        )
    }

    static func send(_ throttle: inout EventThrottle, _ outcome: ReconcileOutcome) -> [EventType] {
        let events = EventBuilder.events(of: outcome, source: source, details: nil)
        return throttle.filter(events, of: outcome, now: outcome.finishedAt).map(\.type)
    }

    @Test func aFailureRepeatedOverFiveIntervalsIsSentOnceThenRecoveredOnce() {
        var throttle = EventThrottle(repeatAfter: .seconds(3600))
        var sent: [EventType] = []
        for tick in 0..<5 {
            sent += Self.send(&throttle, Self.outcome(report(failure: transientFailure()), at: Double(tick * 60)))
        }
        sent += Self.send(&throttle, Self.outcome(report(upToDate: true), at: 300))
        sent += Self.send(&throttle, Self.outcome(report(upToDate: true), at: 360))
        #expect(sent == [.failed, .recovered])
    }

    @Test func aFailureIsSentAgainWhenItChangesOrAfterTheRepeat() {
        var throttle = EventThrottle(repeatAfter: .seconds(600))
        #expect(Self.send(&throttle, Self.outcome(report(failure: transientFailure("503")), at: 0)) == [.failed])
        #expect(Self.send(&throttle, Self.outcome(report(failure: transientFailure("503")), at: 300)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(failure: transientFailure("429")), at: 360)) == [.failed], "the message changed")
        #expect(Self.send(&throttle, Self.outcome(report(failure: stalledFailure()), at: 400)) == [.failed], "the stage and class changed")
        #expect(Self.send(&throttle, Self.outcome(report(failure: stalledFailure()), at: 999)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(failure: stalledFailure()), at: 1000)) == [.failed], "--notify-repeat passed")
    }

    /// The commit was not part of a failure's fingerprint, and most messages do not name it: a new commit refused
    /// for the same reason as the one before sent nothing, and got no GitHub status (silence read as success).
    @Test func theSameFailureOnANewCommitIsSentAgain() {
        var throttle = EventThrottle(repeatAfter: .seconds(3600))
        let (first, second) = (String(repeating: "a", count: 40), String(repeating: "b", count: 40))
        let refusal = ReconcileFailure(.check, .refused(.tooManyDeletes(planned: 5, limit: 3)))
        #expect(Self.send(&throttle, Self.outcome(report(commit: first, failure: refusal), at: 0)) == [.refused])
        #expect(Self.send(&throttle, Self.outcome(report(commit: first, failure: refusal), at: 60)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(commit: second, failure: refusal), at: 120)) == [.refused], "a new commit")
        #expect(Self.send(&throttle, Self.outcome(report(commit: second, failure: refusal), at: 180)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(commit: second, failure: transientFailure()), at: 240)) == [.failed])
        #expect(Self.send(&throttle, Self.outcome(report(commit: second, failure: transientFailure()), at: 300)) == [])
    }

    @Test func theCommitThatStalledFoundAgainNeitherFailsNorRecovers() {
        var throttle = EventThrottle()
        #expect(Self.send(&throttle, Self.outcome(report(failure: stalledFailure()), at: 0)) == [.failed])
        for tick in 1...5 {
            #expect(Self.send(&throttle, Self.outcome(report(upToDate: true), at: Double(tick), waiting: true)) == [])
        }
        let fixed = plan([change("acme/a", .create, seed: 1)])
        #expect(Self.send(&throttle, Self.outcome(report(plan: fixed, applied: result(of: fixed), changed: ["acme/a"]), at: 10)) == [.recovered, .applied])
    }

    /// A model whose declaration is deleted keeps no throttle: its keys would stay for the process's life, and
    /// the same warning after it is declared again is news.
    @Test func aModelNoLongerDeclaredLeavesNoWarningBehind() {
        var throttle = EventThrottle()
        let warned = plan([], warnings: [PlanWarning(model: "acme/b", kind: .immutableDrift, number: 2, message: "#2 differs")], models: ["acme/a", "acme/b"])
        #expect(Self.send(&throttle, Self.outcome(report(plan: warned), at: 0)) == [.warning])
        var withoutB = report(plan: plan([], models: ["acme/a"]))
        withoutB.allModelsPlanned = true
        #expect(Self.send(&throttle, Self.outcome(withoutB, at: 60, full: true)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(plan: warned), at: 120)) == [.warning], "declared again: its warning is sent")
    }

    @Test func aStandingWarningIsSentOnceUntilItGoesAndComesBack() {
        var throttle = EventThrottle()
        let warned = plan([], warnings: [PlanWarning(model: "acme/a", kind: .immutableDrift, number: 2, message: "#2 differs")], models: ["acme/a"])
        let clean = plan([], models: ["acme/a"])
        #expect(Self.send(&throttle, Self.outcome(report(plan: warned), at: 0)) == [.warning])
        #expect(Self.send(&throttle, Self.outcome(report(plan: warned), at: 60)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(plan: clean), at: 120)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(plan: warned), at: 180)) == [.warning], "it went and came back")
    }

    @Test func standingDriftIsSentOnceAndAgainAfterAFullReconcileFoundItGone() {
        var throttle = EventThrottle()
        let drifting = plan([change("acme/a", .create, seed: 1)])
        let dry = { (seconds: Double) in
            ReconcileOutcome(report: report(plan: drifting, drifted: ["acme/a"]), trigger: .driftInterval, full: true,
                             finishedAt: Date(timeIntervalSince1970: seconds), duration: .seconds(1), dryRun: true, baseline: false)
        }
        #expect(Self.send(&throttle, dry(0)) == [.driftDetected])
        #expect(Self.send(&throttle, dry(60)) == [])
        #expect(Self.send(&throttle, Self.outcome(report(plan: plan([], models: ["acme/a"])), at: 120, full: true)) == [])
        #expect(Self.send(&throttle, dry(180)) == [.driftDetected])
    }
}
