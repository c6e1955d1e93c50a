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
    }

    private let counts = Mutex(Counts())

    func record(method: String, route: String, status: Int) {
        counts.withLock { counts in
            counts.byKey[Key(method: method, route: route, status: status), default: 0] += 1
            if status == 429 { counts.rateLimited += 1 }
        }
    }

    func snapshot() -> EmulatorStats {
        counts.withLock { counts in
            let entries = counts.byKey.map {
                EmulatorStats.Entry(method: $0.key.method, route: $0.key.route, status: $0.key.status, count: $0.value)
            }
            .sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }
            return EmulatorStats(
                requests: entries,
                rateLimited: counts.rateLimited,
                total: counts.byKey.values.reduce(0, +)
            )
        }
    }

    func reset() {
        counts.withLock { $0 = Counts() }
    }
}
