@testable import Controller
import Foundation
import Pipeline
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// A model no longer declared leaves the status page and the metrics: its drift would otherwise keep an alert
/// firing, and its row stay, until the controller restarted.
@Suite struct UndeclaredModelTests {
    static func report(_ models: [ModelID], drifted: [ModelID] = [], all: Bool, unmanaged: [String] = []) -> ReconcileReport {
        let plan = Plan(
            revision: ModelStateTests.revision, summary: PlanSummary(create: 0, updateConfiguration: 0, delete: 0, unchanged: 0, warnings: 0),
            changes: [], warnings: [], models: [], estimate: PlanEstimate(requests: 0, seconds: 0),
            unmanaged: unmanaged.isEmpty ? nil : unmanaged.map { UnmanagedModel(model: $0, declaredIn: "models/x.yaml", lastDeclaredAt: "c0") }
        )
        var report = ReconcileReport(commit: ModelStateTests.revision.commit, planned: ChangeCounts(plan), plannedModels: models, driftedModels: drifted, plan: plan)
        report.allModelsPlanned = all
        return report
    }

    @Test func aModelLeftOutOfAFullReconcileOrNamedNotManagedIsForgotten() {
        var status = ControllerStatus()
        let metrics = ControllerMetrics()
        func take(_ report: ReconcileReport, full: Bool) {
            status.absorb(report, now: Date())
            metrics.record(report, full: full, duration: .zero)
        }
        take(Self.report(["alice/a", "bob/b", "carol/c"], drifted: ["bob/b", "carol/c"], all: true), full: true)
        #expect(status.models.keys.sorted() == ["alice/a", "bob/b", "carol/c"])
        // What the page shows of each model's versions: it stayed for every name ever declared.
        for model in ["alice/a", "bob/b", "carol/c"] {
            status.observations[model] = ModelObservation(model: try! ModelID(parsing: model), declared: [], live: [])
        }
        #expect(metrics.render().contains(#"wriftsync_drift_detected{model="bob/b"} 1"#))

        // A new commit changing only alice/a: the others are not planned, and stay.
        take(Self.report(["alice/a"], all: false), full: false)
        #expect(status.models.keys.sorted() == ["alice/a", "bob/b", "carol/c"])

        // A commit whose diff drops carol/c's file: its plan names it not managed.
        take(Self.report(["alice/a"], all: false, unmanaged: ["carol/c"]), full: false)
        #expect(status.models.keys.sorted() == ["alice/a", "bob/b"])
        #expect(!metrics.render().contains("carol/c"))

        // A full reconcile no longer planning bob/b (its file went in a commit applied while stopped).
        take(Self.report(["alice/a"], all: true), full: true)
        #expect(status.models.keys.sorted() == ["alice/a"])
        #expect(status.observations.keys.sorted() == ["alice/a"])
        let rendered = metrics.render()
        #expect(!rendered.contains("bob/b"), "\(rendered)")
        #expect(rendered.contains(#"wriftsync_drift_detected{model="alice/a"} 0"#))
    }
}
