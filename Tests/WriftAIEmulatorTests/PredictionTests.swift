import Foundation
import Hummingbird
import JSONSchema
import Testing
import WriftAIModels
@testable import WriftAIEmulator
import WriftSyncTesting

/// `POST /v1/predictions` and `GET /v1/predictions/{id}`: the lifecycle, `Prefer: wait`,
/// `Validate-Input`, outputs that satisfy the output schema, and the per-digest faults.
@Suite("Predictions")
struct PredictionTests {
    static let input: JSONValue = [
        "type": "object", "required": ["prompt"], "additionalProperties": false,
        "properties": ["prompt": ["type": "string", "minLength": 1], "temperature": ["type": "number", "maximum": 2]],
    ]
    static let output: JSONValue = [
        "type": "object", "required": ["label", "score"],
        "properties": ["label": ["enum": ["positive", "negative"]], "score": ["type": "number", "minimum": 0, "maximum": 1]],
    ]

    /// An emulator whose `alice/demo` has versions 1 (digest 1), 2 (digest 2) and 3 (digest 3) with the
    /// schemas above, and whose public `alice/shared` has version 1.
    /// With `clock`, the emulator takes its time from it.
    static func withPredictions<Value: Sendable>(
        _ settings: EmulatorConfiguration.Predictions = .init(durationMilliseconds: 100),
        rateLimit: EmulatorConfiguration.RateLimit = .off,
        clock: TestClock? = nil,
        _ body: (EmulatorTestClient) async throws -> Value
    ) async throws -> Value {
        let storage = try InMemoryEmulatorStorage()
        var configuration = Fixture.configuration(
            rateLimit: rateLimit,
            models: [InitialModel(owner: "alice", name: "demo"), InitialModel(owner: "alice", name: "shared", visibility: .public)]
        )
        configuration.predictions = settings
        if let clock { configuration.clock = .test(clock) }
        return try await withRoutes(configuration, storage: storage) { client in
            // Straight into the storage: the requests under test are the only ones counted and limited.
            for (model, seed) in [("demo", 1), ("demo", 2), ("demo", 3), ("shared", 4)] {
                let draft = VersionDraft(
                    releaseNotes: "release \(seed)",
                    containerImageDigest: digest(seed),
                    schemas: Schemas(prediction: PredictionSchemas(input: input, output: output)),
                    compatibilities: Compatibilities(),
                    configuration: nil,
                    fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
                    createdAt: "2026-01-01T00:00:00.000Z"
                )
                try #require(try await storage.createVersion(owner: "alice", name: model, draft: draft) != nil)
            }
            return try await body(client)
        }
    }

    static func create(
        _ client: EmulatorTestClient,
        model: String = "alice/demo:2",
        input: JSONValue = ["prompt": "Hello"],
        token: String = Users.alice,
        headers: HTTPFields = [:]
    ) async throws -> EmulatorTestClient.Answer {
        try await client.send(.post, "/v1/predictions", token: token, json: ["model": .string(model), "input": input, "stream": false], headers: headers)
    }

    /// Reads the prediction, which must have ended: the test has moved the emulator's clock past its run.
    static func finished(_ client: EmulatorTestClient, _ id: String, token: String = Users.alice) async throws -> Prediction {
        let answer = try await client.send(.get, "/v1/predictions/\(id)", token: token)
        try #require(answer.status == 200)
        let prediction = try answer.decode(Prediction.self)
        try #require(prediction.status.isTerminal, "\(prediction.status) after the clock passed its run")
        return prediction
    }

    @Test("a prediction starts pending and ends succeeded with an output that satisfies the output schema")
    func succeeds() async throws {
        // On a test clock: the prediction runs only when the test moves the clock, however slow the machine.
        let clock = TestClock()
        try await Self.withPredictions(.init(durationMilliseconds: 1_000), clock: clock) { client in
            let answer = try await Self.create(client)
            #expect(answer.status == 201)
            let created = try answer.decode(Prediction.self)
            #expect([.pending, .starting, .started].contains(created.status))
            #expect(created.status == .pending, "no time has passed")
            #expect(created.model == .init(owner: "alice", name: "demo", versionNumber: 2))
            #expect(created.input == ["prompt": "Hello"])
            #expect(created.output == nil && created.error == nil && created.executionTime == nil)
            #expect(answer.json?["output"] == .null)
            #expect(answer.json?["error"] == .null)
            #expect(answer.json?["stream"] == false)

            clock.advance(by: .seconds(1))
            let done = try await Self.finished(client, created.id)
            #expect(done.status == .succeeded)
            #expect(done.error == nil)
            #expect(done.setupTime != nil && done.executionTime != nil)
            let output = try #require(done.output)
            #expect(try JSONSchemaValidator(Self.output).validate(output).isEmpty, "\(output)")
        }
    }

    @Test("the status follows the time: pending, starting, started, then terminal")
    func timeline() throws {
        let total = Duration.milliseconds(400)
        let phases: [(Int, PredictionTimeline.Phase)] = [(0, .pending), (99, .pending), (100, .starting), (199, .starting), (200, .started), (399, .started), (400, .ended), (9_000, .ended)]
        for (elapsed, phase) in phases {
            #expect(PredictionTimeline.phase(elapsed: .milliseconds(elapsed), total: total) == phase, "\(elapsed) ms")
        }
        #expect(PredictionTimeline.phase(elapsed: .zero, total: .zero) == .ended)

        // A second, so that the phases begin at binary fractions (0.25 s, 0.5 s) that timestamps show exactly.
        let created = Duration.seconds(5)
        let record = PredictionRecord(
            id: "p1", owner: "alice", name: "demo", versionNumber: 2, user: "alice", input: [:], created: created,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000), duration: .seconds(1), outcome: .succeeded(output: "done"))
        let views = [0, 300, 600, 1_100].map { record.view(at: created + .milliseconds($0)) }
        #expect(views.map(\.status) == [.pending, .starting, .started, .succeeded])
        #expect(views.map { $0.output } == [nil, nil, nil, "done"])
        #expect(views.map { $0.setupTime } == [nil, nil, "0.250", "0.250"])
        #expect(views.map { $0.executionTime } == [nil, nil, nil, "0.500"])
        #expect(views.map(\.updatedAt) == ["2027-01-15T08:00:00.000Z", "2027-01-15T08:00:00.250Z", "2027-01-15T08:00:00.500Z", "2027-01-15T08:00:01.000Z"])
    }

    @Test("Prefer: wait holds the answer until the end; Prefer: wait=S at most S seconds")
    func preferWait() async throws {
        // The holds are on test clocks that jump to each hold's end: the clock shows how long the answer was
        // held, without the test waiting it out.
        let untilDone = TestClock(advancesOnSleep: true)
        try await Self.withPredictions(.init(durationMilliseconds: 200), clock: untilDone) { client in
            let waited = try await Self.create(client, headers: [.prefer: "wait"])
            #expect(waited.status == 201)
            #expect(try waited.decode(Prediction.self).status == .succeeded)
            #expect(waited.header("Preference-Applied") == "wait")
            #expect(untilDone.sleeps == [.milliseconds(200)], "held for the prediction's run")
        }
        let clock = TestClock(advancesOnSleep: true)
        try await Self.withPredictions(.init(durationMilliseconds: 600_000), clock: clock) { client in
            let started = clock.now
            let held = try await Self.create(client, headers: [.prefer: "respond-async, wait=0.2"])
            #expect(clock.now - started >= .milliseconds(200))
            #expect(clock.sleeps == [.milliseconds(200)], "held for the time asked, not the prediction's run")
            #expect(try held.decode(Prediction.self).status == .pending)
            #expect(held.header("Preference-Applied") == "wait=0.2")
            let unheld = try await Self.create(client)
            #expect(unheld.header("Preference-Applied") == nil)
        }
    }

    @Test("wait preferences are parsed as RFC 7240 says, ignoring what is not understood")
    func waitPreference() {
        #expect(WaitPreference.parse(["wait"]) == .untilDone)
        #expect(WaitPreference.parse(["wait=5"]) == .seconds(5))
        #expect(WaitPreference.parse(["respond-async; wait=2.5"]) == .seconds(2.5))
        #expect(WaitPreference.parse(["Wait = \"3\""]) == .seconds(3))
        #expect(WaitPreference.parse(["handling=strict"]) == nil)
        #expect(WaitPreference.parse(["wait=soon"]) == nil)
        #expect(WaitPreference.parse([]) == nil)
    }

    @Test("Validate-Input: true refuses an input that violates the input schema with a 422 listing every violation")
    func validatesInput() async throws {
        try await Self.withPredictions { client in
            let bad: JSONValue = ["temperature": 3, "extra": true]
            let refused = try await Self.create(client, input: bad, headers: [.validateInput: "true"])
            #expect(refused.status == 422)
            let issues = try refused.decode(ValidationErrorResponse.self).detail
            #expect(issues.map(\.path) == ["body.input", "body.input.extra", "body.input.temperature"])
            #expect(issues.map(\.msg) == [
                #"missing the required property "prompt""#,
                #"the property "extra" is not allowed (additionalProperties is false)"#,
                "3 is more than the maximum 2",
            ])
            #expect(issues.map(\.type) == ["json_schema_required", "json_schema_additionalProperties", "json_schema_maximum"])
            // Without the header the input is not checked.
            #expect(try await Self.create(client, input: bad, headers: [.validateInput: "false"]).status == 201)
            #expect(try await Self.create(client, input: bad).status == 201)
            #expect(try await Self.create(client, headers: [.validateInput: "true"]).status == 201)
        }
    }

    @Test("models and versions are found as for every route; the body is checked")
    func lookups() async throws {
        try await Self.withPredictions { client in
            let missingVersion = try await Self.create(client, model: "alice/demo:9")
            #expect(missingVersion.status == 404 && missingVersion.detail == "Model version not found")
            let missingModel = try await Self.create(client, model: "alice/nothing:1")
            #expect(missingModel.status == 404 && missingModel.detail == "Model not found")
            // Another user's private model does not exist for bob; a public one does.
            #expect(try await Self.create(client, token: Users.bob).status == 404)
            let shared = try await Self.create(client, model: "alice/shared:1", token: Users.bob)
            #expect(shared.status == 201)
            // Without a number, the latest version.
            #expect(try await Self.create(client, model: "alice/demo").decode(Prediction.self).model.versionNumber == 3)
            let invalid = try await client.send(.post, "/v1/predictions", token: Users.alice, json: ["model": "alice/demo:x", "input": [1]])
            #expect(invalid.status == 422)
            #expect(invalid.validationPaths == ["body.model", "body.input"])
            #expect(try await client.send(.post, "/v1/predictions", token: nil, json: ["model": "alice/demo:1", "input": [:]]).status == 401)

            // A prediction is its creator's: bob's is not found for alice, nor an unknown one.
            let bobs = try shared.decode(Prediction.self).id
            #expect(try await client.send(.get, "/v1/predictions/\(bobs)", token: Users.alice).status == 404)
            #expect(try await client.send(.get, "/v1/predictions/\(bobs)", token: Users.bob).status == 200)
            let unknown = try await client.send(.get, "/v1/predictions/nope", token: Users.alice)
            #expect(unknown.status == 404 && unknown.detail == "Prediction not found")
        }
    }

    @Test("--prediction-fail: the version's predictions end failed with an error object")
    func failFault() async throws {
        let clock = TestClock()
        try await Self.withPredictions(.init(durationMilliseconds: 50, failDigests: [digest(2)]), clock: clock) { client in
            let created = try await Self.create(client).decode(Prediction.self)
            #expect(created.status == .pending, "no time has passed")
            clock.advance(by: .milliseconds(50))
            let failing = try await Self.finished(client, created.id)
            #expect(failing.status == .failed)
            #expect(failing.output == nil)
            let error = try #require(failing.error)
            #expect(error.source == .external)
            #expect(error.message.contains("--prediction-fail"))
            // Other versions are unaffected.
            let otherID = try await Self.create(client, model: "alice/demo:1").decode(Prediction.self).id
            clock.advance(by: .milliseconds(50))
            let other = try await Self.finished(client, otherID)
            #expect(other.status == .succeeded)
        }
    }

    @Test("--prediction-bad-output: the version's predictions succeed with an output that violates the output schema")
    func badOutputFault() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 0, badOutputDigests: [digest(3)])) { client in
            let validator = try JSONSchemaValidator(Self.output)
            let bad = try await Self.create(client, model: "alice/demo:3").decode(Prediction.self)
            #expect(bad.status == .succeeded)
            let violations = validator.validate(try #require(bad.output))
            #expect(!violations.isEmpty)
            let good = try await Self.create(client, model: "alice/demo:2").decode(Prediction.self)
            #expect(good.status == .succeeded)
            #expect(validator.isValid(try #require(good.output)))
        }
    }

    @Test("predictions are rate limited and counted in the stats like every route")
    func rateLimitedAndCounted() async throws {
        // On a test clock that stands still until the test moves it: every request lands in one window.
        let clock = TestClock()
        try await Self.withPredictions(.init(durationMilliseconds: 0), rateLimit: .init(authenticated: 1, unauthenticated: 1), clock: clock) { client in
            // At one request per second a refusal comes at the second create.
            var answers: [EmulatorTestClient.Answer] = []
            repeat {
                answers.append(try await Self.create(client))
            } while answers.last?.status != 429 && answers.count < 20
            #expect(answers.map(\.status) == [201, 429])
            #expect(answers.last?.status == 429)
            #expect(answers.last?.header("x-ratelimit-limit") == "1")
            let id = try answers[0].decode(Prediction.self).id
            var read: EmulatorTestClient.Answer
            repeat {
                read = try await client.send(.get, "/v1/predictions/\(id)", token: Users.alice)
                // The window is spent: the next one comes when the clock moves.
                if read.status == 429 { clock.advance(by: .seconds(1)) }
            } while read.status == 429
            #expect(read.status == 200)
            let stats = try await client.stats()
            #expect(stats.count(method: "POST", route: "/v1/predictions", status: 201) == answers.filter { $0.status == 201 }.count)
            #expect(stats.count(method: "POST", route: "/v1/predictions", status: 429) == 1)
            #expect(stats.count(method: "GET", route: "/v1/predictions/{id}", status: 200) == 1)
        }
    }

    @Test("only the last predictions are kept")
    func retention() async throws {
        try await Self.withPredictions(.init(durationMilliseconds: 0, retention: 2)) { client in
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await Self.create(client).decode(Prediction.self).id) }
            #expect(try await client.send(.get, "/v1/predictions/\(ids[0])", token: Users.alice).status == 404)
            #expect(try await client.send(.get, "/v1/predictions/\(ids[2])", token: Users.alice).status == 200)
        }
    }

    @Test("an output schema the generator cannot satisfy fails the prediction with a clear error")
    func unsatisfiableOutput() async throws {
        let storage = try InMemoryEmulatorStorage()
        var configuration = Fixture.configuration()
        configuration.predictions = .init(durationMilliseconds: 0)
        try await withRoutes(configuration, storage: storage) { client in
            var body = Fixture.versionBody(1).objectValue ?? [:]
            body["schemas"] = ["prediction": ["input": ["type": "object"], "output": ["type": "integer", "minimum": 5, "maximum": 1]]]
            #expect(try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: .object(body)).status == 201)
            let prediction = try await Self.create(client, model: "alice/demo:1").decode(Prediction.self)
            #expect(prediction.status == .failed)
            #expect(prediction.error?.source == .internal)
            #expect(prediction.error?.message.contains("the lower bound 5 is above the upper bound 1") == true)
        }
    }
}
