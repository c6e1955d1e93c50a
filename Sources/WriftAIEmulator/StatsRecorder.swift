import Synchronization

/// Counts answers by method, route template and status.
final class StatsRecorder: Sendable {
    private struct Key: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct Counts {
        var byKey: [Key: Int] = [:]
        var rateLimited = 0
        /// The answers in the order they were sent, the newest ``StatsRecorder/orderLimit`` only.
        var order: [EmulatorStats.Answer] = []
        var sequence = 0
    }

    /// How many answers the ordered log keeps.
    static let orderLimit = 10_000

    private let counts = Mutex(Counts())

    func record(method: String, route: String, status: Int) {
        counts.withLock { counts in
            counts.byKey[Key(method: method, route: route, status: status), default: 0] += 1
            if status == 429 { counts.rateLimited += 1 }
            counts.sequence += 1
            counts.order.append(EmulatorStats.Answer(sequence: counts.sequence, method: method, route: route, status: status))
            if counts.order.count > Self.orderLimit { counts.order.removeFirst(counts.order.count - Self.orderLimit) }
        }
    }

    func snapshot() -> EmulatorStats {
        counts.withLock { counts in
            let entries = counts.byKey.map {
                EmulatorStats.Entry(method: $0.key.method, route: $0.key.route, status: $0.key.status, count: $0.value)
            }
            .sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }
            var stats = EmulatorStats(
                requests: entries,
                rateLimited: counts.rateLimited,
                total: counts.byKey.values.reduce(0, +)
            )
            stats.order = counts.order
            return stats
        }
    }

    func reset() {
        counts.withLock { $0 = Counts() }
    }
}
