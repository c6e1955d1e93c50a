import Foundation
import Synchronization
import Testing
import WriftAIEmulator
import WriftAIModels
@testable import WriftAI
import WriftSyncTesting

/// Creating, reading and waiting for predictions against the emulator, through the client's pace,
/// retries and error mapping.
@Suite("Prediction operations against the emulator")
struct PredictionOperationTests {
    static let output: JSONValue = ["type": "object", "required": ["text"], "properties": ["text": ["type": "string"]]]

    /// A session whose emulator runs predictions as `settings` say, with version 1 of `alice/demo`
    /// (digest 1) and version 1 of alice's public `alice/shared` (digest 2).
    static func withPredictions<Value: Sendable>(
        _ settings: EmulatorConfiguration.Predictions = .init(durationMilliseconds: 100),
        rateLimit: EmulatorConfiguration.RateLimit = .off,
        faults: EmulatorConfiguration.Faults = .init(),
        configure: (inout WriftAIClient.Configuration) -> Void = { _ in },
        _ body: (Session) async throws -> Value
    ) async throws -> Value {
        var emulator = Fixture.emulator(rateLimit: rateLimit, faults: faults)
        emulator.predictions = settings
        return try await withSession(emulator: emulator, configure: configure) { session in
            for (name, seed) in [("demo", 1), ("shared", 2)] {
                let draft = VersionDraft(
                    releaseNotes: "release \(seed)",
                    containerImageDigest: digest(seed),
                    schemas: Schemas(prediction: PredictionSchemas(
                        input: ["type": "object", "required": ["prompt"], "properties": ["prompt": ["type": "string"]]],
                        output: output)),
                    compatibilities: Compatibilities(),
                    configuration: nil,
                    fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
                    createdAt: "2026-01-01T00:00:00.000Z"
                )
                try #require(try await session.storage.createVersion(owner: "alice", name: name, draft: draft) != nil)
            }
            return try await body(session)
        }
    }

    static var version: VersionID { get throws { try VersionID(parsing: "alice/demo:1") } }

    @Test("create with Prefer: wait answers the finished prediction; get reads it back")
    func createAndGet() async throws {
        try await Self.withPredictions { session in
            let prediction = try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"])
            #expect(prediction.status == .succeeded)
            #expect(prediction.model == .init(owner: "alice", name: "demo", versionNumber: 1))
            #expect(prediction.output?["text"]?.stringValue != nil)
            let id = try PredictionID(prediction.id)
            #expect(try await session.client.prediction(id) == prediction)
            // The read-only client (a dry run's) can read predictions too.
            #expect(try await session.client.readOnly.prediction(id).status == .succeeded)
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/predictions", status: 201) == 1)
            #expect(stats.count(method: "GET", route: "/v1/predictions/{id}", status: 200) == 2)
        }
    }

    @Test("waitForPrediction polls with backoff until the prediction ends")
    func waitsUntilTerminal() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 1_000)) { session in
            let created = try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"], options: .init(wait: nil))
            #expect(!created.status.isTerminal)
            let polling = PredictionPolling(initialInterval: .milliseconds(20), multiplier: 2, maxInterval: .milliseconds(200))
            let done = try await session.client.waitForPrediction(try PredictionID(created.id), deadline: .now + .seconds(60), polling: polling)
            #expect(done.status == .succeeded)
            let polls = try await session.stats().count(method: "GET", route: "/v1/predictions/{id}")
            // A second at 20, 40, 80, 160, 200, 200, … ms between polls: a handful (one, when a loaded machine
            // answers the first poll after the end).
            #expect(polls >= 1 && polls < 60, "\(polls) polls")
        }
    }

    /// A prediction whose status moves one step per poll, for polling on a manual clock.
    final class ScriptedPrediction: WriftAIPredictionReading {
        let statuses: [PredictionStatus]
        let polls = Mutex(0)

        init(statuses: [PredictionStatus]) {
            self.statuses = statuses
        }

        func prediction(_ id: PredictionID) async throws(WriftAIError) -> Prediction {
            let index = polls.withLock { count in
                defer { count += 1 }
                return min(count, statuses.count - 1)
            }
            return Prediction(id: id.value, status: statuses[index], model: .init(owner: "o", name: "n", versionNumber: 1), createdAt: "t")
        }
    }

    @Test("polls wait 0.25 s, then 1.5 times longer each time up to 2 s, and stop at a terminal status")
    func pollingSchedule() async throws {
        let clock = TestClock(advancesOnSleep: true)
        let reader = ScriptedPrediction(statuses: Array(repeating: .started, count: 9) + [.succeeded])
        let done = try await reader.waitForPrediction(try PredictionID("p"), deadline: clock.now.advanced(by: .seconds(60)), clock: clock)
        #expect(done.status == .succeeded)
        #expect(reader.polls.withLock { $0 } == 10)
        #expect(clock.sleeps == [.milliseconds(250), .milliseconds(375), .microseconds(562_500), .microseconds(843_750), .nanoseconds(1_265_625_000), .nanoseconds(1_898_437_500), .seconds(2), .seconds(2), .seconds(2)])
    }

    @Test("at the deadline the last state is returned; the last wait is cut to the deadline")
    func pollingDeadline() async throws {
        let clock = TestClock(advancesOnSleep: true)
        let reader = ScriptedPrediction(statuses: [.pending, .starting, .started])
        let polling = PredictionPolling(initialInterval: .seconds(1), multiplier: 2, maxInterval: .seconds(4))
        let last = try await reader.waitForPrediction(try PredictionID("p"), deadline: clock.now.advanced(by: .seconds(6)), clock: clock, polling: polling)
        #expect(last.status == .started)
        #expect(clock.sleeps == [.seconds(1), .seconds(2), .seconds(3)])
        #expect(clock.now.offset == .seconds(6))
        #expect(reader.polls.withLock { $0 } == 4)
    }

    @Test("an unknown status is not terminal: the waiter polls on to its deadline")
    func unknownStatus() async throws {
        let clock = TestClock(advancesOnSleep: true)
        let reader = ScriptedPrediction(statuses: [.unknown("warming")])
        let last = try await reader.waitForPrediction(try PredictionID("p"), deadline: clock.now.advanced(by: .seconds(5)), clock: clock)
        #expect(last.status == .unknown("warming"))
        #expect(clock.now.offset == .seconds(5))
    }

    @Test("waitForPrediction returns the last state seen when the deadline passes first")
    func deadline() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 600_000)) { session in
            let created = try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"], options: .init(wait: nil))
            let started = ContinuousClock.now
            let last = try await session.client.waitForPrediction(try PredictionID(created.id), deadline: .now + .milliseconds(300))
            #expect(!last.status.isTerminal)
            #expect(ContinuousClock.now - started >= .milliseconds(300))
            #expect(try await session.stats().count(method: "GET", route: "/v1/predictions/{id}") <= 10)
        }
    }

    @Test("runPrediction creates pinned to the version and waits for the end within the deadline")
    func run() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 150, failDigests: [digest(2)])) { session in
            let done = try await session.client.runPrediction(try Self.version, input: ["prompt": "Hi"], deadline: .now + .seconds(60))
            #expect(done.status == .succeeded)
            let failed = try await session.client.runPrediction(try VersionID(parsing: "alice/shared:1"), input: ["prompt": "Hi"], deadline: .now + .seconds(60))
            #expect(failed.status == .failed)
            #expect(failed.error?.message.contains("--prediction-fail") == true)
        }
    }

    @Test("an input the version's schema refuses is a validation error listing the violations")
    func invalidInput() async throws {
        try await Self.withPredictions { session in
            let error = await failure { try await session.client.createPrediction(try Self.version, input: ["prompt": 3]) }
            guard case .validation(let context, let issues) = error else {
                Issue.record("expected a validation error, got \(String(describing: error))")
                return
            }
            #expect(context.path == "/v1/predictions")
            #expect(issues.map(\.path) == ["body.input.prompt"])
            #expect(error?.description == "validation failed: POST /v1/predictions: 422: body.input.prompt: expected a string, found the number 3")
            // Without Validate-Input the emulator runs it anyway.
            let unchecked = try await session.client.createPrediction(try Self.version, input: ["prompt": 3], options: .init(validateInput: false))
            #expect(unchecked.status == .succeeded)
        }
    }

    @Test("a missing version or prediction is not found")
    func notFound() async throws {
        try await Self.withPredictions { session in
            let version = await failure { try await session.client.createPrediction(try VersionID(parsing: "alice/demo:7"), input: [:]) }
            guard case .notFound = version else {
                Issue.record("expected notFound, got \(String(describing: version))")
                return
            }
            let prediction = await failure { try await session.client.prediction(try PredictionID("missing")) }
            #expect(prediction?.description == "not found: GET /v1/predictions/missing: 404 (Prediction not found)")
        }
    }

    @Test("a create refused with 429 is resent after the reset")
    func rateLimited() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 0), rateLimit: .init(authenticated: 1, unauthenticated: 1)) { session in
            let version = try Self.version
            let client = session.client
            let statuses = try await withThrowingTaskGroup(of: PredictionStatus.self) { group in
                for _ in 0..<3 { group.addTask { try await client.createPrediction(version, input: ["prompt": "Hi"]).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [.succeeded, .succeeded, .succeeded])
            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/predictions", status: 201) == 3)
        }
    }

    struct Unknown: Sendable, CustomTestStringConvertible {
        let name: String
        let faults: EmulatorConfiguration.Faults
        var testDescription: String { name }
    }

    @Test("a create whose outcome is unknown is resent once, then reported as possibly started", arguments: [
        Unknown(name: "503 without acting", faults: .init(failRate: 1)),
        Unknown(name: "502 after acting", faults: .init(loseResponseRate: 1)),
    ])
    func unknownOutcome(_ item: Unknown) async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 0), faults: item.faults) { session in
            let error = await failure { try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"]) }
            guard case .predictionOutcomeUnknown(let context, let reason) = error else {
                Issue.record("expected predictionOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(context.path == "/v1/predictions")
            #expect(reason == "the server failed on the last of 2 sends (1 of them resent after an unknown outcome); a prediction may have been started")
            #expect(error?.description.hasPrefix("prediction create has an unknown outcome: POST /v1/predictions: 50") == true)
            let sends = try await session.stats().count(method: "POST", route: "/v1/predictions")
            #expect(sends == 2)
        }
        // Allowed more resends than the retry policy allows retries: the policy stops it, with the same error.
        try await Self.withPredictions(.init(durationMilliseconds: 0), faults: item.faults, configure: { $0.retry.maxRetries = 2 }) { session in
            let error = await failure {
                try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"], options: .init(resendsAfterUnknownOutcome: 9))
            }
            guard case .predictionOutcomeUnknown(_, let reason) = error else {
                Issue.record("expected predictionOutcomeUnknown, got \(String(describing: error))")
                return
            }
            #expect(reason == "the server failed on the last of 3 sends (2 of them resent after an unknown outcome); a prediction may have been started")
            let sends = try await session.stats().count(method: "POST", route: "/v1/predictions")
            #expect(sends == 3)
        }
        // Allowed no resend, one send only.
        try await Self.withPredictions(.init(durationMilliseconds: 0), faults: item.faults) { session in
            _ = await failure {
                try await session.client.createPrediction(try Self.version, input: ["prompt": "Hi"], options: .init(resendsAfterUnknownOutcome: 0))
            }
            let sends = try await session.stats().count(method: "POST", route: "/v1/predictions")
            #expect(sends == 1)
        }
    }

    @Test("Prefer: wait stays under the request timeout")
    func waitSeconds() {
        #expect(WriftAIClient.waitSeconds(.seconds(300), requestTimeout: .seconds(60)) == 45)
        #expect(WriftAIClient.waitSeconds(.seconds(10), requestTimeout: .seconds(60)) == 10)
        #expect(WriftAIClient.waitSeconds(.milliseconds(300), requestTimeout: .seconds(60)) == 1)
        #expect(WriftAIClient.waitSeconds(.seconds(30), requestTimeout: .seconds(1)) == 1)
    }

    @Test("polling waits grow to their maximum")
    func pollingIntervals() {
        let polling = PredictionPolling(initialInterval: .milliseconds(250), multiplier: 2, maxInterval: .seconds(1))
        #expect((1...5).map(polling.interval(after:)) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(1), .seconds(1)])
    }

    @Test("a create's answer for another version, or with an identifier that cannot be polled, is refused")
    func answerChecks() throws {
        let version = try Self.version
        func answer(id: String = "p-1", owner: String = "alice", name: String = "demo", number: Int = 1) -> Prediction {
            Prediction(id: id, status: .pending, model: .init(owner: owner, name: name, versionNumber: number), createdAt: "t")
        }
        #expect(WriftAIClient.problem(with: answer(), pinnedTo: version) == nil)
        #expect(WriftAIClient.problem(with: answer(number: 2), pinnedTo: version) == "the prediction runs on alice/demo:2, not on alice/demo:1 as asked")
        #expect(WriftAIClient.problem(with: answer(owner: "bob"), pinnedTo: version) == "the prediction runs on bob/demo:1, not on alice/demo:1 as asked")
        #expect(WriftAIClient.problem(with: answer(id: "../x"), pinnedTo: version)?.hasPrefix("the prediction's id is unusable: invalid identifier '../x'") == true)
    }

    @Test("prediction identifiers are checked before they go into a path")
    func identifiers() {
        #expect((try? PredictionID("a1b2-c3_d4.e5")) != nil)
        for bad in ["", "../models", "a b", "a/b", "a?b", String(repeating: "a", count: 129)] {
            #expect(throws: IdentifierError.self) { try PredictionID(bad) }
        }
    }
}
