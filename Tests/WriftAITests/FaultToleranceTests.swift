import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Retries and safe creates under injected faults")
struct FaultToleranceTests {
    @Test("with fail-rate 0.3, every read succeeds through retries")
    func readsThroughFailures() async throws {
        // Versions are made before faults start, on a fault-free emulator sharing the storage.
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Fixture.emulator(), storage: storage, logger: Fixture.emulatorLogger) {
            emulator in
            let client = try WriftAIClient(configuration: Fixture.client(emulator))
            do {
                for seed in 1...8 { _ = try await client.createVersion(try Fixture.demo, Fixture.version(seed)) }
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        try await withRunningEmulator(
            configuration: Fixture.emulator(faults: .init(failRate: 0.3, seed: 11)),
            storage: storage,
            logger: Fixture.emulatorLogger
        ) { emulator in
            let session = Session(emulator: emulator, storage: storage, client: try WriftAIClient(configuration: {
                var configuration = Fixture.client(emulator)
                configuration.pagination.pageSize = 5
                return configuration
            }()))
            do {
                let demo = try Fixture.demo
                for _ in 0..<5 {
                    #expect(try await session.client.model(demo).latestVersion?.number == 8)
                    #expect(try await session.client.allVersions(demo).collect().count == 8)
                    for number in 1...8 {
                        #expect(try await session.client.version(demo, number: number).number == number)
                    }
                    #expect(try await session.client.configuration(demo, number: 8).hardwareIdentifier == "cpu")
                }
                let stats = try await session.stats()
                #expect(stats.requests.filter { $0.status == 503 }.map(\.count).reduce(0, +) > 10)
                #expect(stats.requests.filter { $0.status >= 500 }.allSatisfy { $0.method == "GET" })
                try await session.client.shutdown()
            } catch {
                try? await session.client.shutdown()
                throw error
            }
        }
    }

    @Test("with lose-response-rate 0.5, 30 creates of distinct digests make exactly 30 versions")
    func createsThroughLostAnswers() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(loseResponseRate: 0.5, seed: 5)),
            // Every request, the checking lists included, loses half its answers: allow long streaks.
            configure: { $0.retry.maxRetries = 14 }
        ) { session in
            let demo = try Fixture.demo
            var numbers: [Int] = []
            var inDoubt = 0
            for seed in 1...30 {
                let outcome = try await session.client.createVersionReportingSends(demo, Fixture.version(seed))
                let created = outcome.details
                #expect(created.containerImageDigest == digest(seed))
                numbers.append(created.number)
                if !outcome.noSendInDoubt { inDoubt += 1 }
            }
            #expect(numbers == Array(1...30))
            let digests = await session.storedDigests(demo)
            #expect(digests == (1...30).map(digest))
            let stats = try await session.stats()
            let posts = stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions")
            let lostPosts = stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions", status: 502)
            // Lost answers really happened, and none of them led to a second POST of the same digest.
            #expect(lostPosts > 5)
            #expect(posts == 30)
            #expect(inDoubt == lostPosts, "exactly the creates whose answer was lost report a send in doubt")
        }
    }

    @Test("a create that fails before acting is sent again after the check finds nothing")
    func createResentWhenAbsent() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(failRate: 0.5, seed: 3)),
            configure: { $0.retry.maxRetries = 8 }
        ) { session in
            let demo = try Fixture.demo
            for seed in 1...10 {
                _ = try await session.client.createVersion(demo, Fixture.version(seed))
            }
            #expect(await session.storedDigests(demo) == (1...10).map(digest))
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions", status: 503) > 0)
        }
    }

    @Test("lost create answers on a legacy server are resolved through the versions' details")
    func legacyResolution() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(loseResponseRate: 0.4, legacyList: true, seed: 9)),
            configure: { $0.retry.maxRetries = 8 }
        ) { session in
            let demo = try Fixture.demo
            for seed in 1...10 {
                #expect(try await session.client.createVersion(demo, Fixture.version(seed)).containerImageDigest
                    == digest(seed))
            }
            #expect(await session.storedDigests(demo) == (1...10).map(digest))
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions") == 10)
        }
    }

    @Test("a delete whose answer was lost counts as done when the retry finds it gone")
    func deleteThroughLostAnswers() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(loseResponseRate: 0.5, seed: 21)),
            configure: { $0.retry.maxRetries = 8 }
        ) { session in
            let demo = try Fixture.demo
            for seed in 1...10 {
                _ = try await session.client.createVersion(demo, Fixture.version(seed))
            }
            var outcomes: [DeleteOutcome] = []
            for number in 1...10 {
                outcomes.append(try await session.client.deleteVersion(demo, number: number))
            }
            #expect(await session.storedDigests(demo).isEmpty)
            #expect(outcomes.contains(.alreadyDeleted))
            #expect(outcomes.contains(.deleted))
        }
    }

    @Test("when even the check fails, the create reports an unknown outcome and is never resent")
    func unknownOutcome() async throws {
        try await withSession(
            emulator: Fixture.emulator(faults: .init(loseResponseRate: 1)),
            configure: { $0.retry.maxRetries = 2 }
        ) { session in
            let demo = try Fixture.demo
            let error = await failure { try await session.client.createVersion(demo, Fixture.version(1)) }
            guard case .createOutcomeUnknown(let context, let digest, let reason) = error else {
                Issue.record("expected createOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(digest == WriftSyncTesting.digest(1))
            #expect(context.method == "POST")
            #expect(reason.contains("listing the versions to check failed"))
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions") == 1)
            #expect(await session.storedDigests(demo) == [WriftSyncTesting.digest(1)])
        }
    }
}
