import Applier
@testable import Controller
import Foundation
import Pipeline
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// What one reconcile leaves of each model for the status page: its state, counts, latest version and last
/// change — from the report alone, as the loop takes it in (the state from the model's conditions).
@Suite struct ModelStateTests {
    static let revision = Revision(repository: "/repo", ref: "refs/heads/main", commit: String(repeating: "c", count: 40))

    /// alice/a declaring versions 1 and 2; live: `live` (numbers are the seeds).
    static func observation(live: [Int]) -> ModelObservation {
        ModelObservation(
            model: "alice/a",
            declared: [1, 2].map { .init(containerImageDigest: digest($0), releaseNotes: "v\($0)", declaredAt: "models/a.yaml:\($0 + 2):5") },
            live: live.map { .init(number: $0, containerImageDigest: digest($0), releaseNotes: "v\($0)", createdAt: "2026-01-01T00:00:00Z") }
        )
    }

    static func create(_ seed: Int) -> PlannedChange {
        plannedChange("alice/a", .create, digest: digest(seed), releaseNotes: "v\(seed)", reason: "declared")
    }

    static func plan(_ changes: [PlannedChange], warnings: [PlanWarning] = []) -> Plan {
        Plan(
            revision: revision, summary: PlanSummary(create: changes.count, updateConfiguration: 0, delete: 0, unchanged: 0, warnings: warnings.count),
            changes: changes, warnings: warnings, models: [], estimate: PlanEstimate(requests: changes.count, seconds: 0)
        )
    }

    static func created(_ seed: Int, _ outcome: ActionOutcome, error: String? = nil) -> ActionResult {
        ActionResult(index: 0, model: "alice/a", action: .create, number: seed, containerImageDigest: digest(seed), releaseNotes: "v\(seed)", outcome: outcome, error: error)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let report: ReconcileReport
        let state: ModelState
        let live: Int
        let latest: Int?
        let lastDeclared: Bool
        let change: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let held = PlanWarning(model: "alice/a", kind: .outOfOrderHeld, number: nil, containerImageDigest: digest(1), message: "held back")
        let mismatch = PlanWarning(model: "alice/a", kind: .latestMismatch, number: 1, containerImageDigest: digest(1), message: "not the last declared")
        func report(
            plan: Plan, observed: [Int], result: [ActionResult]? = nil, failure: ReconcileFailure? = nil
        ) -> ReconcileReport {
            var report = ReconcileReport(
                commit: revision.commit, failure: failure, planned: ChangeCounts(plan), plannedModels: ["alice/a"],
                driftedModels: plan.changes.isEmpty && plan.warnings.isEmpty ? [] : ["alice/a"], warnings: plan.warnings,
                plan: plan, applyResult: result.map { ApplyResult(revision: revision, actions: $0) }
            )
            report.observations = [observation(live: observed)].applying(result ?? [])
            return report
        }
        return [
            Case(name: "nothing to do", report: report(plan: plan([]), observed: [1, 2]), state: .inSync, live: 2, latest: 2, lastDeclared: true, change: nil),
            Case(
                name: "a create applied", report: report(plan: plan([create(2)]), observed: [1], result: [created(2, .created)]),
                state: .inSync, live: 2, latest: 2, lastDeclared: true, change: "created #2"
            ),
            Case(name: "a dry run", report: report(plan: plan([create(2)]), observed: [1]), state: .drifted, live: 1, latest: 1, lastDeclared: false, change: nil),
            Case(
                name: "a create held back", report: report(plan: plan([], warnings: [held]), observed: [2]),
                state: .drifted, live: 1, latest: 2, lastDeclared: true, change: nil
            ),
            Case(
                name: "a warning only", report: report(plan: plan([], warnings: [mismatch]), observed: [1]),
                state: .warning, live: 1, latest: 1, lastDeclared: false, change: nil
            ),
            Case(
                name: "a failed create",
                report: report(plan: plan([create(2)]), observed: [1], result: [created(2, .failed, error: "HTTP 500")], failure: ReconcileFailure(.apply, .applyFailed(ApplyResult(revision: revision, actions: [created(2, .failed)])))),
                state: .failing, live: 1, latest: 1, lastDeclared: false, change: nil
            ),
            Case(
                name: "a release rolled back",
                report: report(
                    plan: plan([create(2)]), observed: [1], result: [created(2, .rolledBack, error: "smoke case 1 failed")],
                    failure: ReconcileFailure(.apply, .applyFailed(ApplyResult(revision: revision, actions: [created(2, .rolledBack)])))
                ),
                state: .failing, live: 1, latest: 1, lastDeclared: false, change: "rolled back #2"
            ),
        ]
    }()

    @Test(arguments: cases)
    func theReportDecidesTheRow(_ test: Case) throws {
        var status = ControllerStatus()
        status.absorb(test.report, now: Date(timeIntervalSince1970: 1_800_000_000))
        let row = try #require(status.models["alice/a"])
        #expect(row.state == test.state)
        #expect(row.declaredVersions == 2 && row.liveVersions == test.live)
        #expect(row.latest?.number == test.latest)
        #expect(row.latest.map(\.isLastDeclared) ?? false == test.lastDeclared)
        #expect(row.lastChange?.summary == test.change)
        #expect((row.lastError != nil) == (test.state == .failing))
        #expect(status.observations["alice/a"]?.live.count == test.live)
    }

    @Test func theStateKeepsItsSinceAndTheLastChangeStaysUntilTheNextOne() throws {
        var status = ControllerStatus()
        let first = Self.cases[1].report, later = Self.cases[0].report
        status.absorb(first, now: Date(timeIntervalSince1970: 100))
        status.absorb(later, now: Date(timeIntervalSince1970: 200))
        let row = try #require(status.models["alice/a"])
        #expect(row.state == .inSync && row.stateSince == Date(timeIntervalSince1970: 100))
        #expect(row.lastChange?.summary == "created #2" && row.lastChange?.at == Date(timeIntervalSince1970: 100))
        status.absorb(Self.cases[2].report, now: Date(timeIntervalSince1970: 300))
        #expect(status.models["alice/a"]?.state == .drifted && status.models["alice/a"]?.stateSince == Date(timeIntervalSince1970: 300))
        #expect(status.overallState == nil, "no reconcile counted by the loop yet")
        status.reconciles = 3
        #expect(status.overallState == .drifted)
    }
}
