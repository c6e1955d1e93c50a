import Metrics

/// `wriftsync_notifications_total{sink,outcome}`: each attempt's end, by sink kind. Outcomes: `delivered`;
/// `retried` (an attempt failed and another follows); `failed` (given up: the last attempt, or an answer
/// that retrying cannot change); `dropped` (the queue was full, or the process stopped before it was sent).
public struct NotificationMetrics: Sendable {
    /// The counter's label.
    public static let label = "wriftsync_notifications_total"
    /// Every outcome counted.
    public static let outcomes = ["delivered", "retried", "failed", "dropped"]

    private let factory: (any MetricsFactory)?

    /// Counts through `factory` (the controller's registry), or the process-wide `MetricsSystem` when `nil`.
    public init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Creates every series of `sinks` at 0, so that they exist before the first event.
    public func prepare(_ sinks: [String]) {
        for sink in Set(sinks) {
            for outcome in Self.outcomes { counter(sink, outcome).increment(by: 0) }
        }
    }

    /// Counts one outcome.
    public func record(sink: String, outcome: String) {
        counter(sink, outcome).increment()
    }

    private func counter(_ sink: String, _ outcome: String) -> Counter {
        let dimensions = [("sink", sink), ("outcome", outcome)]
        if let factory { return Counter(label: Self.label, dimensions: dimensions, factory: factory) }
        return Counter(label: Self.label, dimensions: dimensions)
    }
}
