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
                "the rate limit resets in \(WriftAIError.seconds(wait)), "
                    + "longer than the \(WriftAIError.seconds(limit)) the retry policy waits"
            }
        }
    }
}
