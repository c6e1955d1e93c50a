import Foundation

/// The outcome of ``RetryPolicy/decision(after:attempt:random:)``.
public enum RetryDecision: Sendable, Equatable {
    /// Retry once `after` has passed.
    case retry(after: Duration)
    /// Give up, for this reason.
    case stop(Reason)

    /// Why a request is not retried.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// The failure is not one that a retry can fix.
        case notRetryable
        /// The policy's retries are used up.
        case attemptsExhausted(attempts: Int)
        /// The server's rate-limit window resets later than the policy is willing to wait.
        case rateLimitResetTooFar(wait: Duration, limit: Duration)

        /// A short explanation.
        public var description: String {
            switch self {
            case .notRetryable:
                "not retryable"
            case .attemptsExhausted(let attempts):
                "gave up after \(attempts) attempts"
            case .rateLimitResetTooFar(let wait, let limit):
                "the API asked to wait \(WriftAIError.seconds(Self.whole(wait))) "
                    + "(rate limit reset at \(Self.resetTime(in: wait))), longer than the \(WriftAIError.seconds(limit)) "
                    + "the client waits at most (--max-rate-limit-wait); giving up — retry later"
            }
        }

        /// The moment `wait` from now, e.g. `2026-11-29T13:30:00Z`.
        static func resetTime(in wait: Duration) -> String {
            ISO8601DateFormatter().string(from: Date().addingTimeInterval(seconds(wait)))
        }

        /// `duration` to the nearest second (at least 1 s), for waits far longer than the margin added to them.
        static func whole(_ duration: Duration) -> Duration {
            .seconds(max(1, seconds(duration).rounded()))
        }

        static func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }
}
