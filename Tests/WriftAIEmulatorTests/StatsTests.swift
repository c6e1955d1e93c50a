import Testing
import WriftAIEmulator
import WriftAIModels

@Suite("Stats")
struct StatsTests {
    @Test("counts answers by method, route template and status, and 429s")
    func counts() async throws {
        try await withRoutes(Fixture.configuration(rateLimit: .init(authenticated: 1000, unauthenticated: 1))) {
            client in
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: [:])
            _ = try await client.send(.get, "/v1/models/alice/demo/versions/1", token: Users.alice)
            _ = try await client.send(.get, "/v1/models/alice/demo/versions/2", token: Users.alice)
            _ = try await client.send(.get, "/v1/models/alice/demo/versions?page_size=5", token: Users.alice)
            _ = try await client.send(.delete, "/v1/models/alice/demo/versions/1", token: Users.alice)
            _ = try await client.send(.get, "/v1/nowhere", token: Users.alice)

            let stats = try await client.stats()
            let versions = "/v1/models/{owner}/{name}/versions"
            let version = "/v1/models/{owner}/{name}/versions/{number}"
            #expect(stats.requests == [
                .init(method: "GET", route: "/v1/models/{owner}/{name}/versions", status: 200, count: 1),
                .init(method: "POST", route: versions, status: 201, count: 1),
                .init(method: "POST", route: versions, status: 422, count: 1),
                .init(method: "DELETE", route: version, status: 204, count: 1),
                .init(method: "GET", route: version, status: 200, count: 1),
                .init(method: "GET", route: version, status: 404, count: 1),
                .init(method: "GET", route: "NotFound", status: 404, count: 1),
            ].sorted { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) })
            #expect(stats.total == 7)
            #expect(stats.rateLimited == 0)
            #expect(stats.count(method: "POST", route: versions) == 2)

            // Two anonymous requests: the second is over the unauthenticated limit of 1 (unless a window
            // boundary fell between them, in which case both are 401).
            let first = try await client.send(.get, "/v1/models/alice/demo")
            let second = try await client.send(.get, "/v1/models/alice/demo")
            let limited = [first, second].filter { $0.status == 429 }.count
            let after = try await client.stats()
            #expect(after.rateLimited == limited)
            #expect(after.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 401) == 2 - limited)
            // Reading stats is not itself counted.
            #expect(after.total == 9)

            let reset = try await client.send(.delete, "/_emulator/stats")
            #expect(reset.status == 204)
            #expect(try await client.stats() == EmulatorStats(requests: [], rateLimited: 0, total: 0))
        }
    }
}
