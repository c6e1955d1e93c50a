import Metrics

/// A metrics factory that passes everything to another one and also feeds ``APIUsage`` from the WriftAI
/// client's request counter, so that the status page's chart counts exactly what `/metrics` counts.
struct APIUsageMetricsFactory: MetricsFactory {
    /// The client's counter (`RequestMetrics.label` in WriftAI), labelled by `method`, `route` and `code`.
    static let requestCounterLabel = "wriftsync_api_requests_total"

    let inner: any MetricsFactory
    let usage: APIUsage

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let handler = inner.makeCounter(label: label, dimensions: dimensions)
        guard label == Self.requestCounterLabel, let code = dimensions.first(where: { $0.0 == "code" })?.1 else { return handler }
        return UsageCountingHandler(inner: handler, usage: usage, outcome: APIUsage.Outcome(code: code))
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        inner.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        inner.makeMeter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        inner.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        inner.makeTimer(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        inner.destroyCounter((handler as? UsageCountingHandler)?.inner ?? handler)
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        inner.destroyFloatingPointCounter(handler)
    }

    func destroyMeter(_ handler: any MeterHandler) {
        inner.destroyMeter(handler)
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        inner.destroyRecorder(handler)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        inner.destroyTimer(handler)
    }
}

/// The request counter, counting into ``APIUsage`` as well.
private final class UsageCountingHandler: CounterHandler {
    let inner: any CounterHandler
    let usage: APIUsage
    let outcome: APIUsage.Outcome

    init(inner: any CounterHandler, usage: APIUsage, outcome: APIUsage.Outcome) {
        self.inner = inner
        self.usage = usage
        self.outcome = outcome
    }

    func increment(by amount: Int64) {
        inner.increment(by: amount)
        if amount > 0 { usage.record(outcome, count: Int(amount)) }
    }

    func reset() {
        inner.reset()
    }
}
