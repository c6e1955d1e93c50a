import Foundation
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The client against the emulator's chaos faults: connections closed without an answer, answers
/// slower than the timeout, and a 429 storm whose reset is an hour away.
@Suite("Client under chaos faults")
struct ChaosTests {
    @Test("creates through connection resets (before and after acting) make each version exactly once")
    func createsThroughResets() async throws {
        let emulator = Fixture.emulator(faults: .init(seed: 17, resetRate: 0.4))
        try await withSession(emulator: emulator, configure: { $0.retry.maxRetries = 8 }) { session in
            let demo = try Fixture.demo
            for seed in 1...12 {
                let created = try await session.client.createVersion(demo, Fixture.version(seed))
                #expect(created.containerImageDigest == digest(seed))
            }
            #expect(await session.storedDigests(demo) == (1...12).map(digest), "no duplicate, none missing")
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions", status: 0) > 0, "resets happened")
        }
    }

    @Test("a create whose answer comes after the timeout is found by its digest, not sent again")
    func slowerThanTheTimeout() async throws {
        let emulator = Fixture.emulator(faults: .init(slowRate: 1, slowMilliseconds: 8000))
        // A timeout well under the 8 s answers, yet long enough for a loaded machine to have connected and sent the
        // POST before the client gives up (at 400 ms and 900 ms against 1.5 s answers, twice at 1.5 s against
        // 3 s answers, and once at 2.5 s against 6 s answers, the test taking 4× its usual time, a run of the
        // whole suite saw the connection closed before the emulator had read the POST).
        try await withSession(emulator: emulator, configure: { $0.timeouts.request = .milliseconds(4000) }) { session in
            let demo = try Fixture.demo
            // Every answer is slow, listings too: the check after the timeout cannot list either, so
            // the create ends as an unknown outcome — never as a second POST.
            let error = await failure { try await session.client.createVersion(demo, Fixture.version(1)) }
            guard case .createOutcomeUnknown(_, let digest, _) = error else {
                Issue.record("expected an unknown outcome, got \(String(describing: error))")
                return
            }
            #expect(digest == WriftSyncTesting.digest(1))
            // The held-back POST is counted (and, on a loaded machine, may even act) after the client gave up:
            // wait for it before counting.
            var stats = try await session.stats()
            for _ in 0..<50 where stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions") < 1 {
                try await Task.sleep(for: .milliseconds(200))
                stats = try await session.stats()
            }
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions") == 1, "sent once")
            #expect(await session.storedDigests(demo) == [WriftSyncTesting.digest(1)])
        }
    }

    @Test("a 429 storm with its reset an hour away fails at once, with the reset named, and holds no later request")
    func farResetFailsAtOnce() async throws {
        let emulator = Fixture.emulator(faults: .init(throttleSeconds: 3600, throttleAfter: 1))
        try await withSession(emulator: emulator) { session in
            let demo = try Fixture.demo
            _ = try await session.client.model(demo)
            let clock = ContinuousClock()
            let start = clock.now
            let first = await failure { try await session.client.createVersion(demo, Fixture.version(1)) }
            let second = await failure { try await session.client.model(demo) }
            #expect(clock.now - start < .seconds(30), "bounded: no sleeping until the reset")
            for error in [first, second] {
                guard case .rateLimited = error else {
                    Issue.record("expected rate limited, got \(String(describing: error))")
                    continue
                }
                let text = error?.description ?? ""
                // An hour away, in whole seconds, less the seconds a loaded machine took since the storm began. Up
                // to a minute more: the client errs late when an answer's `Date` reads behind its own clock, which
                // an emulator starved of its two cores (its date is refreshed once a second) has shown.
                let asked = text.range(of: #"the API asked to wait (\d+) s"#, options: .regularExpression)
                    .flatMap { Int(text[$0].split(separator: " ")[5]) }
                #expect(asked.map { (3500...3660).contains($0) } == true, "\(text)")
                #expect(text.contains("rate limit reset at 20"), "\(text)")
                #expect(text.contains("giving up — retry later"), "\(text)")
            }
            let stats = try await session.stats()
            #expect(stats.rateLimited == 1, "the second request was refused by the client without being sent")
            #expect(await session.storedDigests(demo).isEmpty)
        }
    }
}
