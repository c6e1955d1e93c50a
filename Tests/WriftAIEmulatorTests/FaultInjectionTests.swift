import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Fault injection")
struct FaultInjectionTests {
    private func statuses(faults: EmulatorConfiguration.Faults, requests: Int) async throws -> [Int] {
        try await withRoutes(Fixture.configuration(faults: faults)) { client in
            var statuses: [Int] = []
            for _ in 0..<requests {
                statuses.append(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status)
            }
            return statuses
        }
    }

    @Test("fail-rate answers 503 without acting")
    func failWithoutActing() async throws {
        let storage = try InMemoryEmulatorStorage()
        try await withRoutes(Fixture.configuration(faults: .init(failRate: 1)), storage: storage) { client in
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            #expect(answer.status == 503)
            #expect(answer.detail?.isEmpty == false)
        }
        #expect(await storage.snapshot().models.first?.versions.isEmpty == true)
    }

    @Test("lose-response-rate acts, then answers 502")
    func loseResponse() async throws {
        let storage = try InMemoryEmulatorStorage()
        try await withRoutes(Fixture.configuration(faults: .init(loseResponseRate: 1)), storage: storage) { client in
            for seed in 1...3 {
                let answer = try await client.send(
                    .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
                #expect(answer.status == 502)
            }
        }
        let versions = await storage.snapshot().models.first?.versions ?? []
        #expect(versions.map(\.number) == [1, 2, 3])
        #expect(versions.map(\.containerImageDigest) == (1...3).map(digest))
    }

    struct SeededCase: Sendable, CustomTestStringConvertible {
        var name: String
        var faults: EmulatorConfiguration.Faults
        var injectedStatus: Int
        var testDescription: String { name }
    }

    @Test(
        "partial rates are seeded: the same seed repeats the same answers, another seed differs",
        arguments: [
            SeededCase(name: "fail-rate 0.5", faults: .init(failRate: 0.5, seed: 42), injectedStatus: 503),
            SeededCase(name: "lose-response-rate 0.5", faults: .init(loseResponseRate: 0.5, seed: 42), injectedStatus: 502),
        ]
    )
    func seeded(_ testCase: SeededCase) async throws {
        let first = try await statuses(faults: testCase.faults, requests: 40)
        let second = try await statuses(faults: testCase.faults, requests: 40)
        #expect(first == second)
        #expect(Set(first) == [200, testCase.injectedStatus])
        let injected = first.filter { $0 == testCase.injectedStatus }.count
        #expect((8...32).contains(injected), "\(injected) of 40 injected at rate 0.5")
        var otherSeed = testCase.faults
        otherSeed.seed = 7
        #expect(try await statuses(faults: otherSeed, requests: 40) != first)
    }

    @Test("latency delays answers by at least the configured time")
    func latency() async throws {
        // The delays are on a test clock that jumps to each one's end: the clock adds them up, without the
        // test waiting them out.
        let clock = TestClock(advancesOnSleep: true)
        var configuration = Fixture.configuration(faults: .init(latencyMilliseconds: 150))
        configuration.clock = .test(clock)
        try await withRoutes(configuration) { client in
            let start = clock.now
            for _ in 0..<3 {
                let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
                #expect(answer.status == 200)
            }
            #expect(clock.now - start >= .milliseconds(450))
            // Half before acting, the rest before answering: the work is inside the latency (it takes no time
            // on this clock, so the rest is the other half).
            #expect(clock.sleeps == Array(repeating: .milliseconds(75), count: 6), "one delay in two halves per request")
            // The stats endpoint is outside the API and not delayed or faulted; it answers normally.
            let stats = try await client.stats()
            #expect(stats.total == 3)
        }
    }

    @Test("legacy-list leaves container_image_digest out of list items only")
    func legacyList() async throws {
        try await withRoutes(Fixture.configuration(faults: .init(legacyList: true))) { client in
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            let list = try await client.send(.get, "/v1/models/alice/demo/versions", token: Users.alice)
            let item = try #require(list.json?["items"]?.arrayValue?.first)
            #expect(item["container_image_digest"] == nil)
            #expect(item["number"] == 1)
            #expect(try list.decode(Page<ModelVersion>.self).items.first?.containerImageDigest == nil)
            let details: ModelVersionDetails = try await client.send(
                .get, "/v1/models/alice/demo/versions/1", token: Users.alice).decode()
            #expect(details.containerImageDigest == digest(1))
        }
    }

    @Test("without faults every list item has its digest")
    func currentList() async throws {
        try await withRoutes { client in
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            let list = try await client.send(.get, "/v1/models/alice/demo/versions", token: Users.alice)
            #expect(list.json?["items"]?.arrayValue?.first?["container_image_digest"] == .string(digest(1)))
        }
    }

    @Test("repeat-cursor answers a cursored list with the same cursor, while older versions remain")
    func repeatCursor() async throws {
        try await withRoutes(Fixture.configuration(faults: .init(repeatCursor: true))) { client in
            for seed in 1...12 {
                _ = try await client.send(
                    .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
            }
            let first: Page<ModelVersion> = try await client.send(
                .get, "/v1/models/alice/demo/versions?page_size=5", token: Users.alice).decode()
            #expect(first.items.map(\.number) == [12, 11, 10, 9, 8])
            let cursor = try #require(first.nextCursor)
            let second: Page<ModelVersion> = try await client.send(
                .get, "/v1/models/alice/demo/versions?page_size=5&cursor=\(cursor)", token: Users.alice
            ).decode()
            #expect(second.items.map(\.number) == [7, 6, 5, 4, 3])
            #expect(second.nextCursor == cursor)
        }
    }
}
