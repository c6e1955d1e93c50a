import Foundation

/// The client's single token bucket: every request of one client waits here for its turn.
///
/// A request goes out only when all of these hold, checked in first-come, first-served order:
/// - fewer than `maxInFlight` requests are waiting for an answer;
/// - the bucket has a token (it refills at the configured rate, or at the server's
///   `x-ratelimit-limit` per second once known, and holds at most `burst` tokens);
/// - the server's current window, as last reported by `x-ratelimit-remaining` and
///   `x-ratelimit-reset`, has room left. Requests still in flight when an answer reports `remaining`
///   may not have been counted in it yet, so they are subtracted: the estimate can only err low.
///
/// A window that ends further away than `maxWindowWait` is not waited for: the request at the head of
/// the queue fails at once with ``WindowTooFar`` (a 429 storm announcing a reset an hour away must not
/// hold an apply for an hour).
actor RequestPacer {
    /// The server's window has no room left and ends later than the pacer is willing to wait.
    struct WindowTooFar: Error {
        /// How long the request would have had to wait.
        let wait: Duration
    }

    /// A granted turn; hand it back with ``finish(_:observation:)`` once the answer (or failure) is in.
    struct Permit: Sendable {
        let id: UInt64
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Permit, any Error>
    }

    /// The server's window as far as this client knows it.
    private struct Window {
        /// Unix time (seconds) at which the window ends.
        var reset: Double
        /// How many more requests may be sent before `reset`.
        var budget: Int
    }

    private let burst: Double
    private let followServerLimit: Bool
    private let maxInFlight: Int
    private let resetMargin: Double
    private let maxWindowWait: Double
    private let clock = ContinuousClock()
    private let wallClock: @Sendable () -> Double

    private var rate: Double?
    private var tokens: Double
    private var lastRefill: ContinuousClock.Instant
    private var window: Window?
    private var inFlight: Set<UInt64> = []
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0
    private var pumping = false
    private var changeSignal: CheckedContinuation<Void, Never>?

    init(
        pacing: WriftAIClient.Configuration.Pacing,
        maxWindowWait: Duration = .seconds(60),
        wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.rate = pacing.requestsPerSecond
        self.burst = Double(max(1, pacing.burst))
        self.followServerLimit = pacing.followServerLimit
        self.maxInFlight = max(1, pacing.maxInFlight)
        self.resetMargin = Self.seconds(pacing.resetMargin)
        self.maxWindowWait = Self.seconds(maxWindowWait)
        self.wallClock = wallClock
        self.tokens = Double(max(1, pacing.burst))
        self.lastRefill = ContinuousClock().now
    }

    /// The current rate in requests per second, `nil` when unlimited.
    var currentRate: Double? { rate }

    /// How many callers are waiting for their turn.
    var waitingCount: Int { waiters.count }

    /// Waits for this request's turn.
    ///
    /// - Throws: `CancellationError` if the calling task is cancelled while waiting.
    func acquire() async throws -> Permit {
        try Task.checkCancellation()
        nextID &+= 1
        let id = nextID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Permit, any Error>) in
                waiters.append(Waiter(id: id, continuation: continuation))
                startPumpIfNeeded()
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Returns a turn and learns from the answer's rate-limit headers, if any.
    func finish(_ permit: Permit, observation: RateLimitObservation?) {
        inFlight.remove(permit.id)
        if let observation, !observation.isEmpty {
            learn(from: observation)
        }
        signalChange()
    }

    private func learn(from observation: RateLimitObservation) {
        if followServerLimit, let limit = observation.limit, limit > 0 {
            // The API's limits are per second.
            rate = Double(limit)
        }
        guard let reset = observation.reset else { return }
        let budget: Int
        if observation.wasRateLimited {
            budget = 0
        } else if let remaining = observation.remaining {
            budget = remaining - inFlight.count
        } else {
            return
        }
        if let current = window {
            if reset == current.reset {
                window?.budget = min(current.budget, budget)
            } else if reset > current.reset {
                window = Window(reset: reset, budget: budget)
            }
        } else if reset > wallClock() {
            window = Window(reset: reset, budget: budget)
        }
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: CancellationError())
    }

    private func startPumpIfNeeded() {
        guard !pumping, !waiters.isEmpty else { return }
        pumping = true
        Task { await self.pump() }
    }

    /// Grants turns in order until nobody waits.
    private func pump() async {
        defer { pumping = false }
        while let head = waiters.first {
            if inFlight.count >= maxInFlight {
                await waitForChange()
                continue
            }
            let now = wallClock()
            if let current = window {
                if now >= current.reset {
                    window = nil
                } else if current.budget <= 0 {
                    let wait = current.reset - now + resetMargin
                    if wait > maxWindowWait {
                        waiters.removeFirst()
                        head.continuation.resume(throwing: WindowTooFar(wait: .nanoseconds(Int64(wait * 1e9))))
                        continue
                    }
                    await sleep(seconds: wait)
                    continue
                }
            }
            refill()
            if let rate, tokens < 1 {
                await sleep(seconds: (1 - tokens) / rate)
                continue
            }
            // The head may have been cancelled while this loop slept.
            guard waiters.first?.id == head.id else { continue }
            waiters.removeFirst()
            if rate != nil { tokens -= 1 }
            if window != nil { window?.budget -= 1 }
            inFlight.insert(head.id)
            head.continuation.resume(returning: Permit(id: head.id))
        }
    }

    private func refill() {
        let now = clock.now
        if let rate {
            tokens = min(burst, tokens + Self.seconds(now - lastRefill) * rate)
        }
        lastRefill = now
    }

    private func waitForChange() async {
        await withCheckedContinuation { continuation in
            changeSignal = continuation
        }
    }

    private func signalChange() {
        changeSignal?.resume()
        changeSignal = nil
    }

    private func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        // Sleeping is not cut short by cancellation: the pump serves every caller, not one task.
        try? await Task.sleep(for: .nanoseconds(Int64(seconds * 1e9)), clock: clock)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
