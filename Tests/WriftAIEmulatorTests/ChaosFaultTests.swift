import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The faults for chaos testing: connections closed without an answer, answers held back past a
/// client's timeout, and rate-limit storms with a far reset.
@Suite("Chaos faults")
struct ChaosFaultTests {
    /// POSTs version `seed` on a connection of its own (a reset kills the connection); the status, or
    /// `nil` when the connection closed without an answer.
    private func post(_ seed: Int, port: Int) async -> Int? {
        try? await withClient(port: port) { client in
            try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
                .status
        }
    }

    @Test("reset-rate 1 closes every connection without an answer, some before acting and some after")
    func resetEveryConnection() async throws {
        let storage = try InMemoryEmulatorStorage()
        let statuses = try await withEmulator(Fixture.configuration(faults: .init(seed: 9, resetRate: 1)), storage: storage) {
            client, emulator in
            var statuses: [Int?] = []
            for seed in 1...20 { statuses.append(await post(seed, port: emulator.port)) }
            let stats = try await withClient(port: emulator.port) { try await $0.stats() }
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions", status: 0) == 20,
                    "the stats count the resets with status 0")
            return statuses
        }
        #expect(statuses.allSatisfy { $0 == nil }, "no answer arrived: \(statuses)")
        let created = await storage.snapshot().models.first?.versions.count ?? 0
        #expect((1...19).contains(created), "some resets came after acting, some before: \(created) of 20 created")
    }

    @Test("reset-rate 0.5 is seeded: the same seed resets the same requests")
    func resetSeeded() async throws {
        func run() async throws -> [Bool] {
            try await withEmulator(Fixture.configuration(faults: .init(seed: 4, resetRate: 0.5))) { _, emulator in
                var answered: [Bool] = []
                for seed in 1...16 { answered.append(await post(seed, port: emulator.port) != nil) }
                return answered
            }
        }
        let first = try await run()
        #expect(try await run() == first)
        #expect(first.contains(true) && first.contains(false), "\(first)")
    }

    @Test("slow-rate 1 acts, then holds the answer back for slow-ms")
    func slowAnswers() async throws {
        let storage = try InMemoryEmulatorStorage()
        // The hold is on a test clock that jumps to its end: the clock shows it, without the test waiting it out.
        let clock = TestClock(advancesOnSleep: true)
        var configuration = Fixture.configuration(faults: .init(slowRate: 1, slowMilliseconds: 300))
        configuration.clock = .test(clock)
        try await withEmulator(configuration, storage: storage) { client, _ in
            let start = clock.now
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            #expect(answer.status == 201)
            #expect(clock.now - start >= .milliseconds(290))
            #expect(clock.sleeps == [.milliseconds(300)])
        }
        #expect(await storage.snapshot().models.first?.versions.map(\.containerImageDigest) == [digest(1)])
    }

    @Test("a throttle storm refuses everything after throttle-after requests, naming its end, then ends")
    func throttleStorm() async throws {
        let storage = try InMemoryEmulatorStorage()
        // On a test clock that stands still until the test moves it past the storm.
        let clock = TestClock()
        let faults = EmulatorConfiguration.Faults(throttleSeconds: 4, throttleAfter: 2)
        var configuration = Fixture.configuration(faults: faults)
        configuration.clock = .test(clock)
        try await withEmulator(configuration, storage: storage) { client, _ in
            for _ in 0..<2 {
                #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 200)
            }
            let before = clock.date.timeIntervalSince1970
            let refused = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            #expect(refused.status == 429)
            #expect(refused.header("x-ratelimit-remaining") == "0")
            let after = clock.date.timeIntervalSince1970
            let reset = try #require(refused.header("x-ratelimit-reset").flatMap(Double.init))
            #expect(reset >= before.rounded(.down) + 4 && reset <= after + 5, "the storm began while the request was answered")
            #expect(reset == 1_800_000_004, "four seconds from the clock's time")
            #expect(refused.header("retry-after") != nil)
            #expect(refused.header("retry-after") == "4")
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 429)
            // At the reset the storm is over.
            clock.advance(by: .seconds(4))
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 200)
            let stats = try await client.stats()
            #expect(stats.rateLimited == 2)
        }
        #expect(await storage.snapshot().models.first?.versions.isEmpty == true, "a refused create did nothing")
    }
}
