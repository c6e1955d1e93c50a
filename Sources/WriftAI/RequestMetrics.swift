import Metrics

/// Counts API requests by method, route template and status code.
struct RequestMetrics: Sendable {
    /// The counter's label.
    static let label = "wriftsync_api_requests_total"

    private let factory: (any MetricsFactory)?

    /// Uses `factory`, or the process-wide `MetricsSystem` when `nil`.
    init(factory: (any MetricsFactory)?) {
        self.factory = factory
    }

    /// Counts one attempt; `code` is the status code, or `error`/`timeout` when no answer arrived.
    func record(method: String, route: String, code: String) {
        let dimensions = [("method", method), ("route", route), ("code", code)]
        if let factory {
            Counter(label: Self.label, dimensions: dimensions, factory: factory).increment()
        } else {
            Counter(label: Self.label, dimensions: dimensions).increment()
        }
    }
}
