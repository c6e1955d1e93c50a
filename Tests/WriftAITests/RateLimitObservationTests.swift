import Foundation
import Testing
@testable import WriftAI
import WriftAIModels

/// What an answer's rate-limit headers are believed to say. A server that misbehaves (a reset in
/// milliseconds, a `Retry-After` in the year 9999, a `remaining` of `Int.min`) must not crash the client: taken
/// as said, each of these overflowed a `Duration` or an `Int` in the pacer.
@Suite("Rate-limit headers, believed only as far as a rate limit can go")
struct RateLimitObservationTests {
    static let now = 1_764_500_000.0

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let status: Int
        let headers: [String: String]
        let limit: Int?
        let remaining: Int?
        let reset: Double?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "the usual three", status: 200,
             headers: ["x-ratelimit-limit": "3", "x-ratelimit-remaining": "2", "x-ratelimit-reset": "1764500001"],
             limit: 3, remaining: 2, reset: 1_764_500_001),
        Case(name: "a reset given as seconds from now", status: 200, headers: ["x-ratelimit-reset": "2"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a 429's Retry-After in seconds", status: 429, headers: ["retry-after": "2"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a window a day away is still believed", status: 200, headers: ["x-ratelimit-reset": "1764586400"],
             limit: nil, remaining: nil, reset: 1_764_586_400),
        Case(name: "a reset in milliseconds", status: 429,
             headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1764500001000"],
             limit: nil, remaining: 0, reset: nil),
        Case(name: "a reset of 1e308", status: 200, headers: ["x-ratelimit-reset": "1e308"], limit: nil, remaining: nil, reset: nil),
        Case(name: "a reset of inf", status: 200, headers: ["x-ratelimit-reset": "inf"], limit: nil, remaining: nil, reset: nil),
        Case(name: "a reset of nan", status: 200, headers: ["x-ratelimit-reset": "nan"], limit: nil, remaining: nil, reset: nil),
        Case(name: "a 429's Retry-After of 1e300 seconds", status: 429, headers: ["retry-after": "1e300"],
             limit: nil, remaining: nil, reset: nil),
        Case(name: "a 429's Retry-After in the year 9999", status: 429, headers: ["retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"],
             limit: nil, remaining: nil, reset: nil),
        Case(name: "remaining Int.min is none left", status: 200,
             headers: ["x-ratelimit-remaining": "-9223372036854775808", "x-ratelimit-reset": "1764500001"],
             limit: nil, remaining: 0, reset: 1_764_500_001),
        Case(name: "remaining -1 is none left", status: 200, headers: ["x-ratelimit-remaining": "-1"], limit: nil, remaining: 0, reset: nil),
        Case(name: "remaining Int.max is capped", status: 200, headers: ["x-ratelimit-remaining": "9223372036854775807"],
             limit: nil, remaining: PacingLedger.maxBudget, reset: nil),
        Case(name: "a machine clock two minutes behind the server's: the reset is moved by the difference", status: 200,
             headers: ["date": WireTime.httpDateString(now + 120), "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1764500122"],
             limit: nil, remaining: 0, reset: now + 2),
        Case(name: "a machine clock two minutes ahead of the server's: the reset is moved by the difference", status: 200,
             headers: ["date": WireTime.httpDateString(now - 120), "x-ratelimit-reset": "1764499882"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a 429's Retry-After date, on a server clock two minutes ahead", status: 429,
             headers: ["date": WireTime.httpDateString(now + 120), "retry-after": WireTime.httpDateString(now + 122)],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "clocks a second apart (the Date header's grain, the trip) count as one", status: 200,
             headers: ["date": WireTime.httpDateString(now - 1), "x-ratelimit-reset": "1764500002"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a reset given as a delay needs no clock", status: 200,
             headers: ["date": WireTime.httpDateString(now + 120), "x-ratelimit-reset": "2"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a Date that is not a date corrects nothing", status: 200,
             headers: ["date": "yesterday", "x-ratelimit-reset": "1764500002"],
             limit: nil, remaining: nil, reset: now + 2),
        Case(name: "a 429 with a reset already past and Retry-After: 5 waits the 5 s", status: 429,
             headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1764499999", "retry-after": "5"],
             limit: nil, remaining: 0, reset: now + 5),
        Case(name: "a 429 with a reset later than its Retry-After waits for the reset", status: 429,
             headers: ["x-ratelimit-reset": "1764500009", "retry-after": "5"],
             limit: nil, remaining: nil, reset: 1_764_500_009),
        Case(name: "a 200's Retry-After means nothing", status: 200, headers: ["retry-after": "5"], limit: nil, remaining: nil, reset: nil),
        Case(name: "a limit of zero or less is no limit", status: 200, headers: ["x-ratelimit-limit": "0"], limit: nil, remaining: nil, reset: nil),
        Case(name: "a negative limit is no limit", status: 200, headers: ["x-ratelimit-limit": "-3"], limit: nil, remaining: nil, reset: nil),
    ]

    @Test("each header set is read as a rate limit can be", arguments: cases)
    func reading(_ testCase: Case) {
        let observation = RateLimitObservation(status: testCase.status, now: Self.now) { testCase.headers[$0] }
        #expect(observation.limit == testCase.limit)
        #expect(observation.remaining == testCase.remaining)
        #expect(observation.reset == testCase.reset)
        #expect(observation.wasRateLimited == (testCase.status == 429))
    }

    @Test("whatever the headers, a pacer that learns from them grants or refuses the next turn; it never crashes",
          .timeLimit(.minutes(1)), arguments: cases)
    func pacerSurvives(_ testCase: Case) async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), maxWindowWait: .seconds(60))
        // Another request still out when the answer comes: `remaining` is counted net of it.
        let other = try await pacer.acquire()
        let permit = try await pacer.acquire()
        let now = Date().timeIntervalSince1970
        let headers = testCase.headers.mapValues { value in
            // Times from the table are made relative to the real clock, which the pacer reads.
            if let date = WireTime.httpDate(value) { return WireTime.httpDateString(date - Self.now + now.rounded(.down)) }
            return Double(value).map { $0 >= 1e9 && $0 < 1e11 ? String(format: "%.0f", $0 - Self.now + now) : value } ?? value
        }
        await pacer.finish(permit, observation: RateLimitObservation(status: testCase.status, now: now) { headers[$0] })
        await pacer.finish(other, observation: nil)
        do {
            await pacer.finish(try await pacer.acquire(), observation: nil)
        } catch is RequestPacer.WindowTooFar {
            // A window used up until later than the longest wait: refused at once, as it should be.
        }
    }

    @Test("on a machine two minutes behind the server, a window used up for one more second is waited for, not refused",
          .timeLimit(.minutes(1)))
    func skewedClockWaitsForTheWindow() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), maxWindowWait: .seconds(60))
        let permit = try await pacer.acquire()
        let now = Date().timeIntervalSince1970
        let serverNow = now.rounded(.down) + 120
        let headers = ["date": WireTime.httpDateString(serverNow), "x-ratelimit-limit": "3", "x-ratelimit-remaining": "0",
                       "x-ratelimit-reset": String(format: "%.0f", serverNow + 1)]
        await pacer.finish(permit, observation: RateLimitObservation(status: 200, now: now) { headers[$0] })
        // Taken on this machine's clock, the reset was two minutes away: past the longest wait, refused.
        await pacer.finish(try await pacer.acquire(), observation: nil)
    }
}
