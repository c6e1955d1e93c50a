import Notifications
import Testing

/// When a delivery is tried again: a pure function of the attempt and its result.
@Suite struct DeliveryRetryTests {
    static let policy = DeliveryRetry(maxAttempts: 5, initialDelay: .seconds(1), maxDelay: .seconds(30))

    @Test(arguments: [
        (DeliveryRetry.Result.status(200), 1, nil),
        (.status(204), 3, nil),
        (.status(500), 1, Duration.seconds(1)),
        (.status(503), 2, .seconds(2)),
        (.status(502), 4, .seconds(8)),
        (.status(502), 5, nil),
        (.transportError, 1, .seconds(1)),
        (.transportError, 3, .seconds(4)),
        (.status(429, retryAfter: 20), 1, .seconds(20)),
        (.status(429, retryAfter: 600), 1, .seconds(30)),
        (.status(429, retryAfter: 0), 3, .seconds(4)),
        // A receiver's absurd Retry-After overflowed the conversion to a Duration: a trap, the process gone.
        (.status(503, retryAfter: 1e300), 1, .seconds(30)),
        (.status(429, retryAfter: 9.3e15), 2, .seconds(30)),
        (.status(503, retryAfter: Double.greatestFiniteMagnitude), 1, .seconds(30)),
        (.status(408), 1, .seconds(1)),
        (.status(400), 1, nil),
        (.status(401), 1, nil),
        (.status(404), 1, nil),
        (.status(422), 1, nil),
        // GitHub's secondary rate limits answer 403 with a time to wait: given up before, the status was lost.
        (.status(403, retryAfter: 5), 1, .seconds(5)),
        (.status(403, retryAfter: 0), 2, .seconds(2)),
        (.status(403), 1, nil),
    ] as [(DeliveryRetry.Result, Int, Duration?)])
    func theDelayAfterEachResult(_ result: DeliveryRetry.Result, _ attempt: Int, _ expected: Duration?) {
        #expect(Self.policy.delay(after: result, attempt: attempt) == expected)
    }

    /// `Retry-After` as an HTTP-date was read as no wait at all; GitHub's used-up window says when it ends.
    @Test(arguments: [
        ("120", nil, nil, 120.0),
        ("Wed, 02 Dec 2026 10:00:30 GMT", nil, nil, 30.0),
        ("Wed, 02 Dec 2026 09:59:00 GMT", nil, nil, 0.0),
        (nil, "0", "1796205645", 45.0),
        (nil, "12", "1796205645", nil),
        ("soon", nil, nil, nil),
        (nil, nil, nil, nil),
    ] as [(String?, String?, String?, Double?)])
    func theWaitAReceiverAsksFor(_ header: String?, _ remaining: String?, _ reset: String?, _ expected: Double?) {
        // 2026-12-02T10:00:00Z
        #expect(DeliveryRetry.retryAfter(header, remaining: remaining, reset: reset, now: 1_796_205_600) == expected)
    }

    @Test func theDelaysDoubleUpToTheCap() {
        let policy = DeliveryRetry(maxAttempts: 10, initialDelay: .seconds(1), maxDelay: .seconds(30))
        let delays = (1...9).map { policy.delay(after: .transportError, attempt: $0) }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30, 30].map { Duration.seconds($0) })
        #expect(policy.delay(after: .transportError, attempt: 10) == nil)
    }
}
