import Foundation
import WriftAIModels

/// What one answer's `x-ratelimit-*` headers said about the caller's current rate-limit window.
struct RateLimitObservation: Sendable, Equatable {
    /// Requests allowed per window.
    var limit: Int?
    /// Requests left in the window when the server counted this one.
    var remaining: Int?
    /// When the window ends, as Unix time in seconds.
    var reset: Double?
    /// Whether the answer was a 429.
    var wasRateLimited: Bool

    /// Reads the headers; `lookup` returns a header's first value. `now` is the current Unix time, used
    /// when a server gives `x-ratelimit-reset` (or `retry-after`) as seconds from now rather than a time.
    ///
    /// Only what a rate limit can be is believed: a limit above zero, a `remaining` counted between zero and
    /// ``PacingLedger/maxBudget`` (a negative one is none left), a window ending within
    /// ``PacingLedger/horizon`` of now. A reset in milliseconds, in the year 9999 or `inf` is no reset at
    /// all: taken as said, it overflowed the durations made from it and crashed the process.
    init(status: Int, now: Double, lookup: (String) -> String?) {
        limit = lookup("x-ratelimit-limit").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 ? $0 : nil }
        remaining = lookup("x-ratelimit-remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .map { min(max($0, 0), PacingLedger.maxBudget) }
        let skew = Self.clockSkew(now: now, serverDate: lookup("date")) ?? 0
        var fromReset: Double?
        if let value = lookup("x-ratelimit-reset").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            // Small values are a delay in seconds, large ones a Unix time (the server's clock).
            fromReset = value < 1_000_000_000 ? now + value : value - skew
        }
        var fromRetryAfter: Double?
        if status == 429, let retryAfter = lookup("retry-after")?.trimmingCharacters(in: .whitespaces) {
            // RFC 9110: delay-seconds or an HTTP-date.
            if let delay = Double(retryAfter), delay.isFinite, delay >= 0 {
                fromRetryAfter = now + delay
            } else if let date = WireTime.httpDate(retryAfter) {
                fromRetryAfter = date - skew
            }
        }
        let believed = [fromReset, fromRetryAfter].compactMap { $0 }.filter { $0.isFinite && $0 - now <= PacingLedger.horizon }
        // Both on a 429: the later. A reset rounded down to a second already past, with `Retry-After: 5`, was
        // waited 20 ms and retried into the same refusal until the retries ran out.
        reset = believed.max()
        wasRateLimited = status == 429
    }

    /// How far the server's clock is ahead of this machine's (negative: behind), by the answer's `Date`
    /// header, when the two clearly differ; `nil` when they count as one clock.
    ///
    /// A reset given as a time is the server's clock: on a machine whose clock is off by a minute, a window
    /// ending in a second was waited for a minute more (or refused as too far), or, on a machine ahead, never
    /// learned at all. The header has a one-second grain and is written before the answer travels, so clocks
    /// in step read 0 to about −1 s (the trip's time more); only a difference past that is corrected, and the
    /// correction errs late, never early.
    static func clockSkew(now: Double, serverDate: String?) -> Double? {
        guard let serverNow = serverDate.flatMap(WireTime.httpDate), serverNow.isFinite else { return nil }
        let skew = serverNow - now
        return skew > 1 || skew < -3 ? skew : nil
    }

    /// Creates an observation from known values.
    init(limit: Int?, remaining: Int?, reset: Double?, wasRateLimited: Bool = false) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.wasRateLimited = wasRateLimited
    }

    /// Whether the answer carried any rate-limit information.
    var isEmpty: Bool { limit == nil && remaining == nil && reset == nil && !wasRateLimited }
}
