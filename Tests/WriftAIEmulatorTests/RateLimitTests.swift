import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Rate limiting")
struct RateLimitTests {
    /// Sends `count` requests back to back, retrying the burst (a bounded number of times) when it
    /// straddled a window boundary, so that every answer belongs to one window.
    private func burst(
        _ count: Int,
        _ client: EmulatorTestClient,
        token: String?
    ) async throws -> [EmulatorTestClient.Answer] {
        for _ in 0..<10 {
            var answers: [EmulatorTestClient.Answer] = []
            for _ in 0..<count {
                answers.append(try await client.send(.get, "/v1/models/alice/demo", token: token))
            }
            if Set(answers.map { $0.header("x-ratelimit-reset") }).count == 1 {
                return answers
            }
            // Wait for the window after the one the burst ended in, so the next burst starts fresh.
            try await waitForNextWindow(after: answers.last?.header("x-ratelimit-reset"))
        }
        Issue.record("every burst straddled a window boundary")
        return []
    }

    /// Sleeps until the window that ends at `reset` (Unix seconds) is over.
    private func waitForNextWindow(after reset: String?) async throws {
        guard let reset = reset.flatMap(Double.init) else { return }
        let now = Date.now.timeIntervalSince1970
        if reset > now {
            try await Task.sleep(for: .milliseconds(Int((reset - now) * 1000) + 20))
        }
    }

    @Test("the N+1-th request in a window answers 429, and every answer carries the headers")
    func authenticated() async throws {
        try await withRoutes(Fixture.configuration(rateLimit: .init(authenticated: 3, unauthenticated: 1))) { client in
            let answers = try await burst(4, client, token: Users.alice)
            try #require(answers.count == 4)
            #expect(answers.map(\.status) == [200, 200, 200, 429])
            #expect(answers.map { $0.header("x-ratelimit-limit") } == ["3", "3", "3", "3"])
            #expect(answers.map { $0.header("x-ratelimit-remaining") } == ["2", "1", "0", "0"])
            let reset = try #require(answers[3].header("x-ratelimit-reset").flatMap(Int.init))
            #expect(Double(reset) > Date.now.timeIntervalSince1970 - 2)
            #expect(answers[3].detail == "Rate limit exceeded")
            #expect(answers[3].header("retry-after") != nil)

            let stats = try await client.stats()
            #expect(stats.rateLimited >= 1)
            #expect(stats.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 429) == stats.rateLimited)
        }
    }

    @Test("limits are per token: another token has its own window")
    func perToken() async throws {
        try await withRoutes(Fixture.configuration(rateLimit: .init(authenticated: 2, unauthenticated: 1))) { client in
            for _ in 0..<10 {
                var statuses: [Int] = []
                var resets: Set<String?> = []
                for token in [Users.alice, Users.alice, Users.alice, Users.bob] {
                    let answer = try await client.send(.get, "/v1/models/alice/demo", token: token)
                    statuses.append(answer.status)
                    resets.insert(answer.header("x-ratelimit-reset"))
                }
                guard resets.count == 1 else {
                    try await waitForNextWindow(after: resets.compactMap { $0 }.max())
                    continue
                }
                // bob is not allowed to see alice's private model, but is not rate limited by alice's use.
                #expect(statuses == [200, 200, 429, 404])
                return
            }
            Issue.record("every burst straddled a window boundary")
        }
    }

    @Test("callers without a valid token share the unauthenticated limit; their answers carry it")
    func unauthenticated() async throws {
        try await withRoutes(Fixture.configuration(rateLimit: .init(authenticated: 3, unauthenticated: 1))) { client in
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
