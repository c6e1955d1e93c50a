/// When to retry a failed request and how long to wait first.
///
/// A pure function of the failure and the attempt number (plus a random value for jitter), so that
/// every rule can be tested without a server:
/// - 429: wait for the time the server named (`x-ratelimit-reset`), unless that is longer than
///   ``maxRateLimitWait``;
/// - 5xx (except 501 and 505), transport failures and timeouts: exponential backoff from
///   ``initialBackoff``, doubling per attempt, capped at ``maxBackoff``, with jitter;
/// - a host name that does not resolve: one retry (a resolver's hiccup), not a storm of them;
/// - everything else (401, 403, 404, 422, decoding, invalid answers, the overall deadline, …): no retry.
///
/// Whether a retry is *safe* is the client's business, not the policy's: reads and DELETE are resent,
/// a create first checks whether its version exists.
public struct RetryPolicy: Sendable, Equatable {
    /// How many times a request is retried after its first attempt.
    public var maxRetries: Int
    /// The backoff before the first retry.
    public var initialBackoff: Duration
    /// The longest backoff.
    public var maxBackoff: Duration
    /// The longest wait for a rate-limit window to reset; a later reset fails the request at once.
    public var maxRateLimitWait: Duration
    /// How much of each backoff is random, from 0 (none) to 1 (anywhere between zero and the backoff).
    public var jitter: Double
    /// How long a create whose answer was lost is looked for by its digest before it is sent again: the
    /// listing is read again with backoff until then, so that a listing lagging behind writes by less than
    /// this cannot make a second copy.
    public var createSettle: Duration

    /// Creates a policy; the defaults are 4 retries, backoff from 0.5 s up to 8 s with half of it
    /// random, and waits of up to 60 s for a rate-limit reset.
    public init(
        maxRetries: Int = 4,
        initialBackoff: Duration = .milliseconds(500),
        maxBackoff: Duration = .seconds(8),
        maxRateLimitWait: Duration = .seconds(60),
        jitter: Double = 0.5,
        createSettle: Duration = .seconds(10)
    ) {
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRateLimitWait = maxRateLimitWait
        self.jitter = min(1, max(0, jitter))
        self.createSettle = createSettle
    }

    /// A policy that never retries.
    public static var never: RetryPolicy { RetryPolicy(maxRetries: 0) }

    /// What to do after `attempt` (1 for the first try) failed with `error`.
    ///
    /// - Parameter random: A value in `[0, 1)` that places the backoff within its jitter range.
    public func decision(after error: WriftAIError, attempt: Int, random: Double) -> RetryDecision {
        let wait: Duration
        switch error {
        case .rateLimited(_, let retryAfter):
            // Without a reset time, one second is the length of the API's rate-limit window.
            wait = retryAfter ?? .seconds(1)
            if wait > maxRateLimitWait {
                return .stop(.rateLimitResetTooFar(wait: wait, limit: maxRateLimitWait))
            }
        case .server(let status, _) where status != 501 && status != 505:
            wait = backoff(attempt: attempt, random: random)
        case .transport, .timeout:
            wait = backoff(attempt: attempt, random: random)
        case .hostNotFound:
            // A name that does not resolve is almost always a wrong URL or no network: one retry only.
            guard attempt <= min(1, maxRetries) else { return .stop(.attemptsExhausted(attempts: attempt)) }
            wait = backoff(attempt: attempt, random: random)
        default:
            return .stop(.notRetryable)
        }
        guard attempt <= maxRetries else { return .stop(.attemptsExhausted(attempts: attempt)) }
        return .retry(after: wait)
    }

    /// What to do after `attempt` failed, with a random jitter.
    public func decision(after error: WriftAIError, attempt: Int) -> RetryDecision {
        decision(after: error, attempt: attempt, random: Double.random(in: 0..<1))
    }

    /// When to look again for a created version by its digest, after the first look found none: waits of
    /// `initialBackoff` (at least 100 ms), doubling, whose sum is ``createSettle`` (the last one shortened to
    /// end exactly there) — a handful of listings, however long the window. Empty when `createSettle` is zero.
    public func settleWaits() -> [Duration] {
        var waits: [Duration] = []
        var total = Duration.zero
        var next = max(initialBackoff, .milliseconds(100))
        while total < createSettle {
            let wait = min(next, createSettle - total)
            waits.append(wait)
            total += wait
            next *= 2
        }
        return waits
    }

    /// The backoff before retry number `attempt`: `initialBackoff × 2^(attempt-1)` capped at
    /// `maxBackoff`, of which the `jitter` fraction is scaled by `random`.
    public func backoff(attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        var base = initialBackoff * (1 << exponent)
        if base > maxBackoff || base < .zero { base = maxBackoff }
        let unit = min(max(random, 0), 1)
        return base * (1 - jitter * (1 - unit))
    }
}
