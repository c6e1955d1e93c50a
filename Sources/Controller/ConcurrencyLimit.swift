/// Runs at most `limit` bodies at once; the others wait their turn, first come first served.
///
/// The history is read from files of up to 10 MiB each, on a thread of its own per read, for requests nobody
/// authenticates: without a bound, a few dozen `GET /history` at once held a thread and a file's worth of memory
/// each.
actor ConcurrencyLimit {
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once fewer than `limit` others run.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running < limit {
            running += 1
        } else {
            // The turn is handed over by `finish`, which keeps `running` as it is.
            await withCheckedContinuation { waiting.append($0) }
        }
        defer { finish() }
        return try await body()
    }

    /// How many bodies run now.
    var current: Int { running }

    private func finish() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// The history reads of the HTTP endpoints and the status page, together.
let historyReads = ConcurrencyLimit(2)
