import Synchronization

/// What the webhook remembers between deliveries.
///
/// GitHub signs a delivery's body and nothing else, no time: a delivery captured once (a proxy's log, a leaked
/// request) stays valid for ever, and replayed in a loop it made the loop fetch, and retry a failing reconcile,
/// as fast as it was sent. The signatures of the last ``remembered`` accepted deliveries are kept, and one
/// seen before starts no reconcile. A push's payload names its commits and times, so two real deliveries never
/// share a body; GitHub's "Redeliver" does, and is then ignored: the loop already had that delivery.
///
/// Refused deliveries are counted for the log: one line at once, then at most one every ``refusalLogInterval``
/// with the number refused since, so that forged posts, which anyone can send, do not write a line each.
final class WebhookDeliveries: Sendable {
    /// Signatures of accepted deliveries kept.
    static let remembered = 1024
    /// The shortest time between two log lines about refused deliveries.
    static let refusalLogInterval: Duration = .seconds(60)

    private struct State {
        var seen: Set<[UInt8]> = []
        /// `seen` in the order it was filled, as a ring: the oldest is forgotten first.
        var order: [[UInt8]] = []
        var oldest = 0
        var refusedUnlogged = 0
        var lastRefusalLog: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Deliveries on the real clock, or on `now` (tests).
    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// Whether the delivery whose signature is `signature` is seen for the first time (among the last
    /// ``remembered``); remembers it.
    func isFirst(_ signature: [UInt8]) -> Bool {
        state.withLock { state in
            guard state.seen.insert(signature).inserted else { return false }
            if state.order.count < Self.remembered {
                state.order.append(signature)
            } else {
                state.seen.remove(state.order[state.oldest])
                state.order[state.oldest] = signature
                state.oldest = (state.oldest + 1) % Self.remembered
            }
            return true
        }
    }

    /// Counts a refused delivery. Returns how many refusals to tell of now (this one and those not told of yet),
    /// or `nil` to stay quiet: a line was written less than ``refusalLogInterval`` ago.
    func refused() -> Int? {
        let now = now()
        return state.withLock { state in
            state.refusedUnlogged += 1
            if let last = state.lastRefusalLog, last.duration(to: now) < Self.refusalLogInterval { return nil }
            defer { state.refusedUnlogged = 0 }
            state.lastRefusalLog = now
            return state.refusedUnlogged
        }
    }
}
