/// Runs at most `limit` bodies at once; at most `maxWaiting` others wait their turn, first come first served,
/// and any beyond them are refused at once (``Full``).
///
/// The history is read from files of up to 10 MiB each, on a thread of its own per read, for requests nobody
/// authenticates: without a bound, a few dozen `GET /history` at once held a thread and a file's worth of memory
/// each. Bounding the runners alone left the queue without end: a burst of requests waited (each with its
/// connection and task) to read the files one after the other, long after their clients had gone. So the queue
/// is bounded too, and a waiter whose task is cancelled leaves it without running its body.
actor ConcurrencyLimit {
    /// Thrown by ``run(_:)`` when `maxWaiting` others already wait.
    struct Full: Error, CustomStringConvertible {
        var description: String { "too many waiting for their turn" }
    }

    private let limit: Int
    private let maxWaiting: Int
    /// Bodies running, and turns handed to waiters that have not started theirs yet.
    private var running = 0
    /// The waiters, first come first; each by a number of its own, so that its cancellation finds it.
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    /// At most `limit` (at least 1) at once, and at most `maxWaiting` (at least 0) waiting.
    init(_ limit: Int, maxWaiting: Int) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Runs `body` once fewer than `limit` others run.
    ///
    /// - Throws: ``Full`` at once when `maxWaiting` others wait; `CancellationError` when the task is cancelled
    ///   while it waits (its body does not run); whatever `body` throws.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await takeTurn()
        defer { finish() }
        return try await body()
    }

    /// How many bodies run now (with the turns handed over and not yet started).
    var current: Int { running }

    /// How many wait for a turn.
    var waiters: Int { waiting.count }

    /// Returns with a turn counted in `running`, or throws without one.
    private func takeTurn() async throws {
        if running < limit {
            running += 1
            return
        }
        guard waiting.count < maxWaiting else { throw Full() }
        let id = nextID
        nextID += 1
        // The turn is handed over by `finish`, which keeps `running` as it is. The cancellation handler runs
        // outside the actor: it comes back to it in a task, and finds the waiter still queued (it leaves) or
        // already handed its turn (below, it passes the turn on).
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiting.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.leave(id) }
        }
        if Task.isCancelled {
            // Cancelled after the turn was handed over: the next waiter gets it, the body does not run.
            finish()
            throw CancellationError()
        }
    }

    /// The waiter `id`, cancelled, leaves the queue if it is still in it.
    private func leave(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Ends a turn: hands it to the first waiter, or counts it off.
    private func finish() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().continuation.resume()
        }
    }
}

extension ConcurrencyLimit {
    /// The history reads of the HTTP endpoints and the status page, together: two at once, 32 waiting (a
    /// burst beyond them is answered 503 at once).
    static let historyReads = ConcurrencyLimit(2, maxWaiting: 32)
    /// The webhook's body reads, each buffering up to 5 MiB before its signature can be checked: four at once,
    /// sixteen waiting (a burst beyond them is answered 503 at once).
    static let webhookReads = ConcurrencyLimit(4, maxWaiting: 16)
}
