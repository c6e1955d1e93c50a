import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// On a test clock that stands still until a test moves it: every burst lands in one window, and the next
/// window comes when the test advances the clock, not when the machine gets round to it.
@Suite("Rate limiting")
struct RateLimitTests {
    /// `rateLimit` on a frozen clock.
    private static func configuration(_ rateLimit: EmulatorConfiguration.RateLimit, clock: TestClock) -> EmulatorConfiguration {
        var configuration = Fixture.configuration(rateLimit: rateLimit)
        configuration.clock = .test(clock)
        return configuration
    }

    /// Sends `count` requests back to back; the clock stands still, so every answer belongs to one window.
    private func burst(
        _ count: Int,
        _ client: EmulatorTestClient,
        token: String?
    ) async throws -> [EmulatorTestClient.Answer] {
        var answers: [EmulatorTestClient.Answer] = []
        for _ in 0..<count {
            answers.append(try await client.send(.get, "/v1/models/alice/demo", token: token))
        }
        #expect(Set(answers.map { $0.header("x-ratelimit-reset") }).count == 1, "one window")
        return answers
    }

    @Test("the N+1-th request in a window answers 429, and every answer carries the headers")
    func authenticated() async throws {
        let clock = TestClock()
        try await withRoutes(Self.configuration(.init(authenticated: 3, unauthenticated: 1), clock: clock)) { client in
            let answers = try await burst(4, client, token: Users.alice)
            try #require(answers.count == 4)
            #expect(answers.map(\.status) == [200, 200, 200, 429])
            #expect(answers.map { $0.header("x-ratelimit-limit") } == ["3", "3", "3", "3"])
            #expect(answers.map { $0.header("x-ratelimit-remaining") } == ["2", "1", "0", "0"])
            let reset = try #require(answers[3].header("x-ratelimit-reset").flatMap(Int.init))
            #expect(Double(reset) > clock.date.timeIntervalSince1970 - 2)
            #expect(reset == 1_800_000_001, "the end of the clock's current second")
            #expect(answers[3].detail == "Rate limit exceeded")
            #expect(answers[3].header("retry-after") != nil)
            #expect(answers[3].header("retry-after") == "1")

            let stats = try await client.stats()
            #expect(stats.rateLimited >= 1)
            #expect(stats.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 429) == stats.rateLimited)
        }
    }

    @Test("the window ends at its reset: a millisecond before, still refused; at it, a fresh window")
    func windowEnds() async throws {
        let clock = TestClock()
        try await withEmulator(Self.configuration(.init(authenticated: 1, unauthenticated: 1), clock: clock)) { client, _ in
            #expect(try await burst(2, client, token: Users.alice).map(\.status) == [200, 429])
            clock.advance(by: .milliseconds(999))
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 429)
            clock.advance(by: .milliseconds(1))
            let fresh = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
            #expect(fresh.status == 200)
            #expect(fresh.header("x-ratelimit-remaining") == "0")
            #expect(fresh.header("x-ratelimit-reset") == "1800000002")
        }
    }

    @Test("limits are per token: another token has its own window")
    func perToken() async throws {
        let clock = TestClock()
        try await withRoutes(Self.configuration(.init(authenticated: 2, unauthenticated: 1), clock: clock)) { client in
            var statuses: [Int] = []
            var resets: Set<String?> = []
            for token in [Users.alice, Users.alice, Users.alice, Users.bob] {
                let answer = try await client.send(.get, "/v1/models/alice/demo", token: token)
                statuses.append(answer.status)
                resets.insert(answer.header("x-ratelimit-reset"))
            }
            #expect(resets.count == 1, "one window")
            // bob is not allowed to see alice's private model, but is not rate limited by alice's use.
            #expect(statuses == [200, 200, 429, 404])
        }
    }

    @Test("callers without a valid token share the unauthenticated limit; their answers carry it")
    func unauthenticated() async throws {
        try await withRoutes(Self.configuration(.init(authenticated: 3, unauthenticated: 1), clock: TestClock())) { client in
            let answers = try await burst(2, client, token: "not-a-token")
            try #require(answers.count == 2)
            #expect(answers.map(\.status) == [401, 429])
            #expect(answers.map { $0.header("x-ratelimit-limit") } == ["1", "1"])
            #expect(answers.map { $0.header("x-ratelimit-remaining") } == ["0", "0"])
        }
    }

    @Test("a limit of 0 is off: no 429 and no headers")
    func off() async throws {
        try await withRoutes(Fixture.configuration(rateLimit: .off)) { client in
            for _ in 0..<20 {
                let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
                #expect(answer.status == 200)
                #expect(answer.header("x-ratelimit-limit") == nil)
            }
            #expect(try await client.stats().rateLimited == 0)
        }
    }
}
