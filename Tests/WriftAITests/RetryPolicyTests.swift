import Testing
import WriftAI
import WriftAIModels

@Suite("Retry policy")
struct RetryPolicyTests {
    private static let context = WriftAIError.Context(method: "GET", path: "/v1/models/a/b", status: nil)

    private static func status(_ code: Int) -> WriftAIError.Context {
        WriftAIError.Context(method: "GET", path: "/v1/models/a/b", status: code)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var error: WriftAIError
        var attempt: Int
        var random: Double
        var expected: RetryDecision
        var testDescription: String { name }
    }

    static let policy = RetryPolicy()

    static let cases: [Case] = [
        Case(name: "503 on the first attempt: 0.5 s at most", error: .server(status: 503, status(503)),
             attempt: 1, random: 1, expected: .retry(after: .milliseconds(500))),
        Case(name: "503 on the first attempt: half of it at least", error: .server(status: 503, status(503)),
             attempt: 1, random: 0, expected: .retry(after: .milliseconds(250))),
        Case(name: "500 doubles per attempt", error: .server(status: 500, status(500)),
             attempt: 3, random: 1, expected: .retry(after: .seconds(2))),
        Case(name: "502 on the fourth attempt: 4 s", error: .server(status: 502, status(502)),
             attempt: 4, random: 1, expected: .retry(after: .seconds(4))),
        Case(name: "jitter places the wait between half and all of it", error: .server(status: 504, status(504)),
             attempt: 4, random: 0.5, expected: .retry(after: .seconds(3))),
        Case(name: "transport failures back off", error: .transport(context, reason: "connection reset"),
             attempt: 2, random: 1, expected: .retry(after: .seconds(1))),
        Case(name: "timeouts back off", error: .timeout(context, after: .seconds(60)),
             attempt: 1, random: 1, expected: .retry(after: .milliseconds(500))),
        Case(name: "the fifth failure is the last (4 retries)", error: .server(status: 503, status(503)),
             attempt: 5, random: 1, expected: .stop(.attemptsExhausted(attempts: 5))),
        Case(name: "429 waits for the reset", error: .rateLimited(status(429), retryAfter: .milliseconds(700)),
             attempt: 1, random: 0, expected: .retry(after: .milliseconds(700))),
        Case(name: "429 without a reset waits one window", error: .rateLimited(status(429), retryAfter: nil),
             attempt: 2, random: 0, expected: .retry(after: .seconds(1))),
        Case(name: "429 with a far reset stops with the reason",
             error: .rateLimited(status(429), retryAfter: .seconds(3600)), attempt: 1, random: 0,
             expected: .stop(.rateLimitResetTooFar(wait: .seconds(3600), limit: .seconds(60)))),
        Case(name: "401 is not retried", error: .unauthorized(status(401)), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
        Case(name: "403 is not retried", error: .forbidden(status(403)), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
        Case(name: "404 is not retried", error: .notFound(status(404)), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
        Case(name: "422 is not retried", error: .validation(status(422), issues: []), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
        Case(name: "501 is not retried", error: .server(status: 501, status(501)), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
        Case(name: "decoding failures are not retried", error: .decoding(status(200), reason: "bad"),
             attempt: 1, random: 0, expected: .stop(.notRetryable)),
        Case(name: "cancellation is not retried", error: .cancelled(context), attempt: 1, random: 0,
             expected: .stop(.notRetryable)),
    ]

    @Test("decisions", arguments: cases)
    func decision(_ testCase: Case) {
        #expect(Self.policy.decision(after: testCase.error, attempt: testCase.attempt, random: testCase.random)
            == testCase.expected)
    }

    @Test("backoff grows from 0.5 s, doubles, and never exceeds 8 s")
    func backoffTable() {
        let maxima = (1...8).map { Self.policy.backoff(attempt: $0, random: 1) }
        #expect(maxima == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8),
                           .seconds(8), .seconds(8)])
        for attempt in 1...40 {
            for random in [0.0, 0.3, 0.999] {
                let wait = Self.policy.backoff(attempt: attempt, random: random)
                #expect(wait <= .seconds(8))
                #expect(wait >= .milliseconds(250))
            }
        }
    }

    @Test("no jitter gives exact backoffs; a policy that never retries stops at once")
    func variants() {
        let exact = RetryPolicy(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), jitter: 0)
        #expect(exact.backoff(attempt: 2, random: 0) == .milliseconds(200))
        #expect(exact.backoff(attempt: 5, random: 0.7) == .seconds(1))
        let error = WriftAIError.server(status: 503, Self.status(503))
        #expect(RetryPolicy.never.decision(after: error, attempt: 1, random: 0) == .stop(.attemptsExhausted(attempts: 1)))
    }

    @Test("the reason for a far reset names both durations")
    func farResetReason() {
        let reason = RetryDecision.Reason.rateLimitResetTooFar(wait: .seconds(3600), limit: .seconds(60))
        #expect(reason.description.contains("3600 s"))
        #expect(reason.description.contains("60 s"))
    }
}
