import Foundation
import WriftAIModels

/// When to try a delivery again: a pure function of the attempt and its result, so tests count attempts
/// instead of timing them.
public struct DeliveryRetry: Sendable, Equatable {
    /// How one attempt ended.
    public enum Result: Sendable, Equatable {
        /// The receiver answered with this status; `retryAfter` is its `Retry-After`, in seconds.
        case status(Int, retryAfter: Double? = nil)
        /// No answer: refused, reset, timed out.
        case transportError
    }

    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait after the first failed attempt; doubles after each.
    public var initialDelay: Duration
    /// The longest wait between attempts (a `Retry-After` is capped to it too).
    public var maxDelay: Duration

    /// A policy; the default tries 5 times over about 15 s (1, 2, 4, 8 s between).
    public init(maxAttempts: Int = 5, initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Whether the result is a delivery.
    public static func isDelivered(_ result: Result) -> Bool {
        if case let .status(code, _) = result { return (200..<300).contains(code) }
        return false
    }

    /// The wait before attempt `attempt + 1` after `result` of attempt `attempt` (from 1); `nil` when the
    /// delivery is done or must not be retried: delivered, a 4xx other than 408 and 429 (the request itself
    /// is wrong: a bad token, an unknown repository), or the last attempt. A 403 that says when to try again is
    /// a rate limit (GitHub's secondary limits answer so), and waits like a 429.
    public func delay(after result: Result, attempt: Int) -> Duration? {
        var retryAfter: Double?
        switch result {
        case .transportError:
            break
        case let .status(code, after):
            if (200..<300).contains(code) { return nil }
            guard code >= 500 || code == 408 || code == 429 || (code == 403 && after != nil) else { return nil }
            retryAfter = after
        }
        guard attempt < maxAttempts else { return nil }
        let exponential = initialDelay * (1 << min(max(attempt - 1, 0), 20))
        if let retryAfter, retryAfter >= 0, retryAfter.isFinite {
            // Capped before it becomes a Duration: a receiver's `Retry-After: 1e300` overflowed Int64 and crashed the process.
            let capped = min(retryAfter, Double(maxDelay.components.seconds) + 1)
            return min(max(.milliseconds(Int64(capped * 1000)), exponential), maxDelay)
        }
        return min(exponential, maxDelay)
    }

    /// How long a receiver asks to wait, in seconds: its `Retry-After` (seconds or an HTTP-date), else the end of a
    /// used-up rate-limit window (`x-ratelimit-remaining: 0` and `x-ratelimit-reset`, as GitHub sends with its 403
    /// and 429); `nil` when it asks for nothing.
    public static func retryAfter(_ header: String?, remaining: String?, reset: String?, now: Double) -> Double? {
        if let header = header?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(header) { return seconds }
            if let date = WireTime.httpDate(header) { return max(0, date - now) }
        }
        if remaining?.trimmingCharacters(in: .whitespaces) == "0", let reset = reset.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            return max(0, reset - now)
        }
        return nil
    }
}
