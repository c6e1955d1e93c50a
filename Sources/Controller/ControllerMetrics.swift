import Metrics
import Prometheus
import Synchronization

/// The reconciler's Prometheus metrics, in one registry that `/metrics` renders. The API client's
/// `wriftsync_api_requests_total` lands here too, through ``factory``.
public final class ControllerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let durations: DurationHistogram
    private let planned: [String: Prometheus.Gauge]
    /// Per-model drift gauges and the current revision gauge; replaced as they change.
    private let dynamic: Mutex<(drift: [String: Prometheus.Gauge], revision: Prometheus.Gauge?)>

    /// A fresh registry with the reconciler's metrics in it.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        durations = registry.makeDurationHistogram(
            descriptor: Self.name("reconcile_duration", unit: "seconds", help: "How long one reconcile took."),
            buckets: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300)]
        )
        var planned: [String: Prometheus.Gauge] = [:]
        for action in ["create", "update", "delete"] {
            planned[action] = registry.makeGauge(
                descriptor: Self.name("planned_changes", help: "Changes in the last plan, by action."), labels: [("action", action)]
            )
        }
        self.planned = planned
        dynamic = Mutex((drift: [:], revision: nil))
        // Created up front so that both series exist (at 0) before the first reconcile.
        for result in ["success", "failure"] { _ = counter(result) }
    }

    /// `wriftsync_<metric>_<unit>`.
    private static func name(_ metric: String, unit: String = "", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "wriftsync", metricName: metric, unitName: unit, helpText: help)
    }

    /// A swift-metrics factory over this registry, for the WriftAI client's request counter.
    public var factory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }

    private func counter(_ result: String) -> Prometheus.Counter {
        // The registry returns the same counter for the same name and labels.
        registry.makeCounter(descriptor: Self.name("reconcile", unit: "total", help: "Reconciles, by result."), labels: [("result", result)])
    }

    /// Records one finished reconcile.
    public func record(_ report: ReconcileReport, full: Bool, duration: Duration) {
        counter(report.succeeded ? "success" : "failure").increment()
        durations.record(duration)
        if !report.upToDate {
            planned["create"]?.set(to: Double(report.planned.create))
            planned["update"]?.set(to: Double(report.planned.update))
            planned["delete"]?.set(to: Double(report.planned.delete))
        }
        dynamic.withLock { state in
            if full && (report.succeeded || !report.driftedModels.isEmpty) {
                // A full reconcile sees every model: those not drifted now go back to 0.
                let drifted = Set(report.driftedModels)
                for (model, gauge) in state.drift where !drifted.contains(model) { gauge.set(to: 0) }
                for model in drifted {
                    let gauge = state.drift[model] ?? registry.makeGauge(
                        descriptor: Self.name("drift_detected", help: "1 when the last full reconcile found the model's live state differing from git."),
                        labels: [("model", model)]
                    )
                    gauge.set(to: 1)
                    state.drift[model] = gauge
                }
            }
            if report.succeeded, let commit = report.commit {
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
