import Applier
import Foundation
import GitSource
@testable import Notifications
import Pipeline
import Planner
import Testing
import WriftSyncTesting

/// The events of a report, from its stages and typed failure.
@Suite struct EventBuilderTests {
    static let created = plan([change("acme/a", .create, seed: 1)])

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let outcome: ReconcileOutcome
        let types: [EventType]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a new commit applied", outcome: ReconcileOutcome(
            report: report(plan: created, applied: result(of: created, firstNumber: 12), changed: ["acme/a"]), trigger: .tick, duration: .seconds(1), baseline: false
        ), types: [.applied]),
        Case(name: "the first reconcile applies the commit, whatever differs", outcome: ReconcileOutcome(
            report: report(plan: created, applied: result(of: created), drifted: ["acme/a"]), trigger: .start, duration: .seconds(1), baseline: true
        ), types: [.applied]),
        Case(name: "drift corrected by a full reconcile", outcome: ReconcileOutcome(
            report: report(plan: created, applied: result(of: created), drifted: ["acme/a"]), trigger: .driftInterval, duration: .seconds(1), baseline: false
        ), types: [.driftCorrected]),
        Case(name: "drift found by a dry run", outcome: ReconcileOutcome(
            report: report(plan: created, drifted: ["acme/a"]), trigger: .start, duration: .seconds(1), dryRun: true, baseline: true
        ), types: [.driftDetected]),
        Case(name: "a transient failure", outcome: ReconcileOutcome(
            report: report(failure: transientFailure()), trigger: .tick, duration: .seconds(1), baseline: false
        ), types: [.failed]),
        Case(name: "a rail refusing", outcome: ReconcileOutcome(
            report: report(plan: created, failure: ReconcileFailure(.check, .refused(.tooManyDeletes(planned: 11, limit: 10)))),
            trigger: .tick, duration: .seconds(1), baseline: false
        ), types: [.refused]),
        Case(name: "the commit that stalled, found again", outcome: ReconcileOutcome(
            report: report(failure: stalledFailure()), trigger: .tick, duration: .seconds(1), baseline: false, waitingOnStalled: true
        ), types: []),
        Case(name: "an idle tick", outcome: ReconcileOutcome(
            report: report(upToDate: true), trigger: .tick, duration: .seconds(1), baseline: false
        ), types: []),
        Case(name: "a warning", outcome: ReconcileOutcome(
            report: report(plan: plan([], warnings: [PlanWarning(model: "acme/a", kind: .latestMismatch, number: 3, message: "the latest would be #3")])),
            trigger: .tick, duration: .seconds(1), baseline: false
        ), types: [.warning]),
    ]

    @Test(arguments: cases)
    func eachReportGivesItsEvents(_ test: Case) {
        let events = EventBuilder.events(of: test.outcome, source: source, details: nil)
        #expect(events.map(\.type) == test.types, "\(test.name)")
        for event in events {
            #expect(event.repository == source.repository && event.path == "models" && event.trigger == test.outcome.trigger)
        }
    }

    @Test func anAppliedEventNamesTheCommitItsAuthorAndEachActionWithItsNumberAndDigest() throws {
        let commit = try #require(CommitID(hex: String(repeating: "c", count: 40)))
        let when = Date(timeIntervalSince1970: 1_790_000_000)
        let details = CommitDetails(
            commit: commit, author: .init(name: "Ada", email: "ada@example.com", time: when),
            committer: .init(name: "GitHub", email: "noreply@github.com", time: when), subject: "sentiment: add v12\nmore"
        )
        let outcome = ReconcileOutcome(
            report: report(plan: Self.created, applied: result(of: Self.created, firstNumber: 12), changed: ["acme/a"]),
            trigger: .webhook, finishedAt: when.addingTimeInterval(60), duration: .seconds(1), baseline: false
        )
        let event = try #require(EventBuilder.events(of: outcome, source: source, details: details).first)
        #expect(event.commit?.id == commit.hex && event.commit?.author?.name == "Ada" && event.commit?.subject == "sentiment: add v12 more")
        #expect(event.actions == [ReconcileEvent.Action(ActionResult(
            index: 0, model: "acme/a", action: .create, number: 12, containerImageDigest: repeatedDigest(1), releaseNotes: nil, outcome: .created
        ))])
        #expect(event.summary.contains("1 created") && event.summary.contains("ccccccccccc"), "\(event.summary)")

        let json = try JSONSerialization.jsonObject(with: Data(try event.jsonBody())) as? [String: Any]
        #expect(json?["format_version"] as? Int == 1 && json?["type"] as? String == "applied")
        let decoded = try JSONDecoder.iso8601.decode(ReconcileEvent.self, from: Data(try event.jsonBody()))
        #expect(decoded == event)
    }

    @Test("an apply whose only change is a smoke test says it tested, not \"no changes\"")
    func smokeTestsAreCounted() {
        func action(_ outcome: ActionOutcome, _ number: Int) -> ActionResult {
            ActionResult(index: 0, model: "acme/a", action: .smokeTest, number: number, containerImageDigest: digest(number), releaseNotes: nil, outcome: outcome)
        }
        #expect(EventBuilder.counts([action(.tested, 2)]) == "1 tested")
        #expect(EventBuilder.counts([action(.rolledBack, 3)]) == "1 rolled back")
        #expect(EventBuilder.counts([]) == "no changes")
    }

    @Test func aPartialFailureCarriesWhatWasAppliedAndWhatFailed() throws {
        let twoModels = plan([change("acme/a", .create, seed: 1), change("acme/b", .create, seed: 2)])
        let partial = result(of: twoModels, failing: [1])
        let outcome = ReconcileOutcome(
            report: report(plan: twoModels, applied: partial, failure: ReconcileFailure(.apply, .applyFailed(partial)), changed: ["acme/a", "acme/b"]),
            trigger: .tick, duration: .seconds(1), baseline: false
        )
        let event = try #require(EventBuilder.events(of: outcome, source: source, details: nil).first)
        #expect(event.type == .failed && event.failure?.failureClass == .partial && event.failure?.stage == .apply)
        #expect(event.actions?.map(\.outcome) == [.created, .failed])
    }

    /// Each rail is named, and classed by how the loop reacts: a new plan is the answer to a world that moved
    /// since the plan (the live versions, the ref, a quarantine another process recorded while it listed);
    /// retrying the same plan or commit cannot help the others.
    @Test func eachRailIsNamed() {
        let rails: [(ReconcileFailure.Cause, ReconcileEvent.Rail, ReconcileFailure.Class)] = [
            (.refused(.tooManyDeletes(planned: 11, limit: 10)), .maxDeletes, .stalled),
            (.refused(.refMoved(ref: "main", planned: "a", current: "b")), .refMoved, .transient),
            (.refused(.otherRepository(planned: "a", given: "b")), .otherRepository, .stalled),
            (.refused(.stale([])), .stale, .transient),
            (.latestMoved(models: ["acme/a"]), .latestVersion, .stalled),
            (.refused(.misstatedLatest([MisstatedLatest(model: "acme/a", fact: .afterApply, stated: "#1", actual: "#2")])), .latestVersion, .stalled),
            (.refused(.quarantined([QuarantinedCreate(model: "acme/a", digest: digest(3), reason: "failed")])), .quarantine, .transient),
            (.refused(.uncommitted), .uncommitted, .stalled),
        ]
        for (cause, rail, failureClass) in rails {
            #expect(EventBuilder.rail(of: ReconcileFailure(.check, cause)) == rail)
            #expect(ReconcileFailure(.check, cause).failureClass == failureClass, "\(rail)")
        }
        #expect(EventBuilder.rail(of: transientFailure()) == nil)
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The release gate's outcomes as events: a rollback, and an apply that skipped the smoke tests.
@Suite struct GateEventTests {
    @Test func aRolledBackVersionAndSkippedSmokeTestsAreEvents() throws {
        let created = plan([change("acme/a", .create, seed: 1)])
        var applied = result(of: created, firstNumber: 7)
        applied.actions[0].outcome = .rolledBack
        applied.actions[0].error = "smoke case 1 (models/a.yaml:9:9) failed: prediction p-1 ended failed; #7 was deleted again"
        var failed = report(plan: created, applied: applied, failure: ReconcileFailure(.apply, .applyFailed(applied)), changed: ["acme/a"])
        let events = EventBuilder.events(of: ReconcileOutcome(report: failed, trigger: .tick, duration: .seconds(1), baseline: false), source: source, details: nil)
        #expect(events.map(\.type) == [.failed, .rolledBack])
        let rollback = try #require(events.last)
        #expect(rollback.summary == "acme/a #7 rolled back: smoke case 1 (models/a.yaml:9:9) failed: prediction p-1 ended failed; #7 was deleted again")
        #expect(GitHubStatusSink.state(of: rollback) == "failure")

        failed = report(plan: created, applied: result(of: created), changed: ["acme/a"])
        failed.smokeSkipped = true
        let skipped = EventBuilder.events(of: ReconcileOutcome(report: failed, trigger: .cli, duration: .seconds(1), baseline: true), source: source, details: nil)
        #expect(skipped.map(\.type) == [.applied, .smokeSkipped])
        let record = HistoryRecord(ReconcileOutcome(report: failed, trigger: .cli, duration: .seconds(1), baseline: true), source: source, commit: nil)
        #expect(record.smokeSkipped)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoded = try JSONDecoder.iso8601.decode(HistoryRecord.self, from: encoder.encode(record))
        #expect(decoded.smokeSkipped)
    }
}
