import WriftAIModels

/// A moment after which the client sends nothing more, and how long the whole allowance was (for messages).
struct OverallDeadline: Sendable {
    var instant: ContinuousClock.Instant
    var budget: Duration

    /// The earlier of two deadlines.
    static func earliest(_ first: OverallDeadline?, _ second: OverallDeadline?) -> OverallDeadline? {
        guard let first else { return second }
        guard let second else { return first }
        return first.instant <= second.instant ? first : second
    }
}

/// The deadline of the work running in the current task (and the child tasks it starts).
enum DeadlineScope {
    @TaskLocal static var current: OverallDeadline?
}

extension WriftAIClient {
    /// Runs `body` with every request, retry and rate-limit wait this client makes for it (in this task
    /// and its child tasks) ending by `duration` from now: at that point the request in flight is
    /// abandoned and ``WriftAIError/deadlineExceeded(_:budget:)`` is thrown, and a retry or rate-limit
    /// wait that would end later fails at once instead of waiting.
    ///
    /// Nested deadlines and ``Configuration/deadline`` combine: the earliest wins. For one reconcile of a
    /// long-running controller: `try await client.withDeadline(.seconds(300)) { try await reconcile() }`.
    /// `body` itself is not interrupted: only the client's calls fail, which ends any work that needs them.
    public func withDeadline<Value>(
        _ duration: Duration,
        _ body: () async throws -> Value
    ) async rethrows -> Value {
        try await Self.withDeadline(duration, body)
    }

    /// ``withDeadline(_:_:)`` for every client at once: for code that holds a client only as
    /// `any WriftAIReading` or `any WriftAIWriting` (the deadline travels with the task, not the client).
    public static func withDeadline<Value>(
        _ duration: Duration,
        _ body: () async throws -> Value
    ) async rethrows -> Value {
        let mine = OverallDeadline(instant: .now + duration, budget: duration)
        return try await DeadlineScope.$current.withValue(OverallDeadline.earliest(mine, DeadlineScope.current)) {
            try await body()
        }
    }

    /// The deadline in force for the calling task: the earliest of ``Configuration/deadline`` (from the
    /// client's creation) and any ``withDeadline(_:_:)`` around the call.
    var activeDeadline: OverallDeadline? {
        OverallDeadline.earliest(clientDeadline, DeadlineScope.current)
    }

    /// The error for a deadline that has passed (or would pass during a wait) at `context`.
    func deadlineError(_ deadline: OverallDeadline, context: WriftAIError.Context, waiting: String? = nil) -> WriftAIError {
        var context = context
        if let waiting { context.detail = [context.detail, waiting].compactMap { $0 }.joined(separator: "; ") }
        return redact(.deadlineExceeded(context, budget: deadline.budget))
    }
}

/// How a race between some work and a moment ended.
enum RaceOutcome<Value: Sendable>: Sendable {
    /// The work finished (or failed) first.
    case finished(Value)
    /// The moment came first; the work was cancelled.
    case timeUp
}

/// Runs `work` until `instant`: if it is still running then, it is cancelled and awaited. A value it
/// still delivers after losing the race is handed to `late` (to give back a permit, say), never lost.
///
/// - Throws: What `work` throws, or `CancellationError` when the calling task is cancelled.
func race<Value: Sendable>(
    until instant: ContinuousClock.Instant,
    _ work: @escaping @Sendable () async throws -> Value,
    late: @escaping @Sendable (Value) async -> Void = { _ in }
) async throws -> RaceOutcome<Value> {
    try await withThrowingTaskGroup(of: RaceOutcome<Value>.self, returning: RaceOutcome<Value>.self) { group in
        group.addTask { .finished(try await work()) }
        group.addTask {
            try await Task.sleep(until: instant, clock: .continuous)
            return .timeUp
        }
        guard let first = try await group.next() else { return .timeUp }
        group.cancelAll()
        if case .finished = first { return first }
        // Time is up: wait for the work to stop, and give back what it may still have produced.
        while let outcome = try? await group.next() {
            if case .finished(let value) = outcome { await late(value) }
        }
        return .timeUp
    }
}
