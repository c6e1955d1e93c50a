import Metrics
import Pipeline
import Planner
import Prometheus
import Synchronization

/// The reconciler's Prometheus metrics, in one registry that `/metrics` renders. The API client's
/// `wriftsync_api_requests_total` lands here too, through ``factory``.
public final class ControllerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let durations: DurationHistogram
    private let planned: [String: Prometheus.Gauge]
    private let parsed: Prometheus.Counter
    /// Per-model gauges (drift, warnings by kind) and the current revision gauge; replaced as they change.
    private let dynamic: Mutex<Dynamic>

    private struct Dynamic {
        var drift: [String: Prometheus.Gauge] = [:]
        var warnings: [String: [WarningKind: Prometheus.Gauge]] = [:]
        var revision: Prometheus.Gauge?
    }

    /// A fresh registry with the reconciler's metrics in it.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        durations = registry.makeDurationHistogram(
            descriptor: Self.name("reconcile_duration", unit: "seconds", help: "How long one reconcile took."),
            buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300)]
        )
        var planned: [String: Prometheus.Gauge] = [:]
        for action in ["create", "update", "delete", "smoke_test"] {
            planned[action] = registry.makeGauge(
                descriptor: Self.name("planned_changes", help: "Changes in the last plan, by action."), labels: [("action", action)]
            )
        }
        self.planned = planned
        parsed = registry.makeCounter(descriptor: Self.name(
            "declaration_files_parsed", unit: "total", help: "Declaration files parsed; unchanged files are not parsed again."
        ))
        dynamic = Mutex(Dynamic())
        // Created up front so that the series exist (at 0) before the first reconcile.
        for result in ["success", "failure"] { _ = counter(result) }
        for failureClass in ReconcileFailure.Class.allCases { _ = failures(failureClass) }
    }

    /// `wriftsync_<metric>_<unit>`.
    private static func name(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wriftsync", metricName: metric, unitName: unit, helpText: help)
    }

    /// The API requests of the last hour, per minute, for the status page (fed through ``factory``).
    public let apiUsage = APIUsage()

    /// A swift-metrics factory over this registry, for the WriftAI client's request counter (which
    /// ``apiUsage`` counts too).
    public var factory: any MetricsFactory {
        APIUsageMetricsFactory(inner: PrometheusMetricsFactory(registry: registry), usage: apiUsage)
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }

    private func counter(_ result: String) -> Prometheus.Counter {
        // The registry returns the same counter for the same name and labels.
        registry.makeCounter(descriptor: Self.name("reconcile", unit: "total", help: "Reconciles, by result."), labels: [("result", result)])
    }

    private func failures(_ failureClass: ReconcileFailure.Class) -> Prometheus.Counter {
        registry.makeCounter(
            descriptor: Self.name("reconcile_failures", unit: "total", help: "Failed reconciles, by class (stalled, transient, partial)."),
            labels: [("class", failureClass.rawValue)]
        )
    }

    /// Records one finished reconcile.
    public func record(_ report: ReconcileReport, full: Bool, duration: Duration) {
        counter(report.succeeded ? "success" : "failure").increment()
        if let failure = report.failure { failures(failure.failureClass).increment() }
        durations.record(duration)
        parsed.increment(by: Int64(report.parsedFiles))
        if let counts = report.planned {
            planned["create"]?.set(to: Double(counts.create))
            planned["update"]?.set(to: Double(counts.update))
            planned["delete"]?.set(to: Double(counts.delete))
            planned["smoke_test"]?.set(to: Double(counts.smokeTest))
        }
        dynamic.withLock { state in
            if full, report.planned != nil {
                // A full reconcile sees every model. Drift stays 1 until it is corrected: a dry run, a failed
                // apply, or a difference the plan only warns about leaves it there.
                let corrected = report.applyResult?.succeeded == true
                let remaining = Set(report.driftedModels.filter { model in
                    !corrected || report.warnings.contains { $0.model == model && $0.kind != .latestMismatch }
                }.map(\.description))
                for model in report.plannedModels.map(\.description) {
                    let gauge = state.drift[model] ?? registry.makeGauge(
                        descriptor: Self.name("drift_detected", help: "1 when the last full reconcile found the model's live state differing from git and did not correct it."),
                        labels: [("model", model)]
                    )
                    gauge.set(to: remaining.contains(model) ? 1 : 0)
                    state.drift[model] = gauge
                }
            }
            for model in report.noLongerDeclared(among: Set(state.drift.keys).union(state.warnings.keys)) {
                if let gauge = state.drift.removeValue(forKey: model) { registry.unregisterGauge(gauge) }
                for gauge in (state.warnings.removeValue(forKey: model) ?? [:]).values { registry.unregisterGauge(gauge) }
            }
            if report.planned != nil {
                // The models planned replace their warning counts; the others keep theirs.
                let byModel = Dictionary(grouping: report.warnings, by: \.model.description)
                for model in report.plannedModels.map(\.description) {
                    let counts = Dictionary(grouping: byModel[model] ?? [], by: \.kind).mapValues(\.count)
                    var gauges = state.warnings[model] ?? [:]
                    for kind in Set(gauges.keys).union(counts.keys) {
                        let gauge = gauges[kind] ?? registry.makeGauge(
                            descriptor: Self.name("plan_warnings", help: "Warnings of the last plan of the model, by kind."),
                            labels: [("model", model), ("kind", kind.rawValue)]
                        )
                        gauge.set(to: Double(counts[kind] ?? 0))
                        gauges[kind] = gauge
                    }
                    state.warnings[model] = gauges
                }
            }
            if report.succeeded, !report.upToDate, let commit = report.commit {
                if let old = state.revision { registry.unregisterGauge(old) }
                let gauge = registry.makeGauge(
                    descriptor: Self.name("last_applied_revision", unit: "info", help: "The commit last applied (the value is always 1)."),
                    labels: [("commit", commit)]
                )
                gauge.set(to: 1)
                state.revision = gauge
            }
        }
    }
}
