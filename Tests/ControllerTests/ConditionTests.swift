import Applier
@testable import Controller
import Foundation
import Hummingbird
import HummingbirdTesting
import Notifications
import Pipeline
import Planner
import Testing
import WriftSyncTesting
import WriftAIModels

/// `/status` per model: `in_sync`, `drifted`, `failing`, `warning`, each with since when — and `GET /history`.
@Suite struct ConditionTests {
    static let digest = Digest(stringLiteral: "sha256:" + String(repeating: "ab", count: 32))

    static func plan(_ changes: [PlannedChange], warnings: [PlanWarning] = []) -> Plan {
        Plan(
            revision: Revision(repository: "r", ref: "refs/heads/main", commit: "c1"),
            summary: PlanSummary(create: changes.count, updateConfiguration: 0, delete: 0, unchanged: 0, warnings: warnings.count),
            changes: changes, warnings: warnings,
            models: [ModelPlan(model: "acme/a", latestAfterApply: nil, declaredLatest: nil, liveFingerprint: nil, suspended: false)],
            estimate: PlanEstimate(requests: changes.count, seconds: 0)
        )
    }

    static let create = plannedChange("acme/a", .create, digest: digest, reason: "declared")

    static func reconciled(_ plan: Plan?, applied: Bool = false, failure: ReconcileFailure? = nil, drifted: [ModelID] = [], upToDate: Bool = false) -> ReconcileReport {
        let result = applied ? ApplyResult(revision: plan!.revision, actions: plan!.changes.enumerated().map {
            ActionResult(index: $0.offset, model: $0.element.model, action: $0.element.action, number: 1, containerImageDigest: $0.element.digest,
                         releaseNotes: nil, outcome: .created)
        }) : nil
        return ReconcileReport(
            commit: "c1", failure: failure, planned: plan.map(ChangeCounts.init), plannedModels: plan == nil ? [] : ["acme/a"],
            driftedModels: drifted, warnings: plan?.warnings ?? [], upToDate: upToDate, plan: plan, applyResult: result
        )
    }

    static func apply(_ report: ReconcileReport, to status: inout ControllerStatus, at seconds: Double, dryRun: Bool = false) {
        status.dryRun = dryRun
        status.absorb(report, now: Date(timeIntervalSince1970: seconds))
    }

    static func condition(_ status: ControllerStatus, _ kind: ModelCondition.Kind) -> ModelCondition? {
        status.models["acme/a"]?.conditions.first { $0.type == kind }
    }

    @Test func eachConditionMovesItsSinceOnlyWhenItChanges() {
        var status = ControllerStatus()
        Self.apply(Self.reconciled(Self.plan([Self.create]), applied: true), to: &status, at: 100)
        #expect(status.models["acme/a"]?.conditions.map(\.type) == [.inSync, .drifted, .failing, .warning])
        #expect(Self.condition(status, .inSync) == ModelCondition(type: .inSync, status: true, since: Date(timeIntervalSince1970: 100), reason: "applied"))

        Self.apply(Self.reconciled(Self.plan([])), to: &status, at: 200)
        #expect(Self.condition(status, .inSync)?.since == Date(timeIntervalSince1970: 100), "still in sync: since unchanged")
        #expect(Self.condition(status, .inSync)?.reason == "up_to_date")

        Self.apply(Self.reconciled(nil, failure: transientFailure("API down")), to: &status, at: 300)
        #expect(Self.condition(status, .failing)?.status == true && Self.condition(status, .failing)?.since == Date(timeIntervalSince1970: 300))
        #expect(Self.condition(status, .failing)?.reason == "transient")
        #expect(Self.condition(status, .inSync)?.status == false && Self.condition(status, .inSync)?.since == Date(timeIntervalSince1970: 300))

        Self.apply(Self.reconciled(nil, failure: transientFailure("API down")), to: &status, at: 400)
        #expect(Self.condition(status, .failing)?.since == Date(timeIntervalSince1970: 300), "still failing since the first failure")

        Self.apply(Self.reconciled(nil, upToDate: true), to: &status, at: 500)
        #expect(Self.condition(status, .failing)?.status == false && Self.condition(status, .failing)?.since == Date(timeIntervalSince1970: 500))
        #expect(Self.condition(status, .inSync)?.status == true && Self.condition(status, .inSync)?.since == Date(timeIntervalSince1970: 500))

        // A dry run finds a version deleted outside git: drifted, not in sync.
        Self.apply(Self.reconciled(Self.plan([Self.create]), drifted: ["acme/a"]), to: &status, at: 600, dryRun: true)
        #expect(Self.condition(status, .drifted)?.status == true && Self.condition(status, .drifted)?.message == "declared")
        #expect(Self.condition(status, .inSync)?.status == false && Self.condition(status, .inSync)?.reason == "dry_run")

        // Immutable drift left as is: drifted and warned about.
        let warning = PlanWarning(model: "acme/a", kind: .immutableDrift, number: 1, message: "#1 differs from its declaration")
        Self.apply(Self.reconciled(Self.plan([], warnings: [warning]), drifted: ["acme/a"]), to: &status, at: 700)
        #expect(Self.condition(status, .warning)?.status == true && Self.condition(status, .warning)?.reason == "immutable_drift")
        #expect(Self.condition(status, .drifted)?.since == Date(timeIntervalSince1970: 600) && Self.condition(status, .drifted)?.reason == "immutable_drift")
    }

    @Test func aFailureNamingModelsMarksOnlyThose() {
        var status = ControllerStatus()
        Self.apply(Self.reconciled(Self.plan([])), to: &status, at: 0)
        status.models["acme/b"] = status.models["acme/a"]
        Self.apply(Self.reconciled(nil, failure: ReconcileFailure(.check, .latestMoved(models: ["acme/b"]))), to: &status, at: 10)
        #expect(status.models["acme/b"]?.conditions.first { $0.type == .failing }?.status == true)
        #expect(Self.condition(status, .failing)?.status == false, "acme/a is not named")
    }

    @Test func historyServesTheNewestRecordsBounded() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-history-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = HistoryStore(configuration: .init(directory: directory))
        let source = EventSource(repository: "r", ref: nil, path: "models")
        let records = (0..<5).map { index in
            HistoryRecord(
                ReconcileOutcome(
                    report: Self.reconciled(Self.plan([Self.create]), applied: true), trigger: .tick,
                    finishedAt: Date(timeIntervalSince1970: Double(index)), duration: .seconds(1), baseline: false
                ),
                source: source, commit: nil
            )
        }
        // Each append is fsync'd: on a thread of its own, so that a busy disk stalls no other test.
        try await onOwnThread { for record in records { try store.append(record) } }
        let withHistory = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: nil, logger: testLogger, trigger: {}, history: store
        )
        try await Application(router: withHistory.router()).test(.router) { client in
            try await client.execute(uri: "/history?model=acme/a&limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let records = try #require(object["records"] as? [[String: Any]])
                #expect(records.map { $0["time"] as? String } == ["1970-01-01T00:00:03Z", "1970-01-01T00:00:04Z"])
            }
            try await client.execute(uri: "/history?model=other/b", method: .get) { response in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect((object["records"] as? [Any])?.isEmpty == true)
            }
            for bad in ["/history?limit=0", "/history?limit=1001", "/history?limit=x", "/history?since=tomorrow"] {
                try await client.execute(uri: bad, method: .get) { #expect($0.status == .badRequest, "\(bad)") }
            }
        }
        let without = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: nil, logger: testLogger, trigger: {}
        )
        try await Application(router: without.router()).test(.router) { client in
            try await client.execute(uri: "/history", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
