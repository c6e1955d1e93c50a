import Foundation
import Logging
import Metrics
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// For the requests a test sends past the API client (the emulator's stats, a raw GET).
let plainHTTP = HTTP1Client()

/// The users every test emulator knows.
enum Users {
    static let alice = "alice-secret-token-7f3a9c"
    static let bob = "bob-secret-token-21d8e4"
    static let all = [alice: "alice", bob: "bob"]
}

/// Test fixtures: configurations, identifiers, version requests and digests.
enum Fixture {
    /// alice's private model.
    static var demo: ModelID { get throws { try ModelID(owner: "alice", name: "demo") } }
    /// alice's public model.
    static var shared: ModelID { get throws { try ModelID(owner: "alice", name: "shared") } }

    /// An emulator with the test users, no rate limit, private `alice/demo` and public `alice/shared`.
    static func emulator(
        rateLimit: EmulatorConfiguration.RateLimit = .off,
        faults: EmulatorConfiguration.Faults = .init()
    ) -> EmulatorConfiguration {
        EmulatorConfiguration(
            authentication: .init(usersByToken: Users.all),
            rateLimit: rateLimit,
            faults: faults,
            initialModels: [
                InitialModel(owner: "alice", name: "demo"),
                InitialModel(owner: "alice", name: "shared", visibility: .public),
            ]
        )
    }

    /// A client configuration for `emulator`: alice's token, fast retries, no client-side rate.
    static func client(_ emulator: RunningEmulator, token: String? = Users.alice) -> WriftAIClient.Configuration {
        WriftAIClient.Configuration(
            server: .init(baseURL: emulator.baseURL),
            token: token.map { AccessToken($0) },
            timeouts: .init(connect: .seconds(5), request: .seconds(20)),
            retry: RetryPolicy(maxRetries: 4, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(40), createSettle: .milliseconds(300)),
            pacing: .init(requestsPerSecond: nil)
        )
    }

    /// A valid create request.
    static func version(_ seed: Int, configuration: VersionConfiguration? = nil) -> CreateVersionRequest {
        CreateVersionRequest(
            releaseNotes: "release \(seed)",
            containerImageDigest: digest(seed),
            schemas: Schemas(
                prediction: PredictionSchemas(
                    input: ["type": "object", "properties": ["prompt": ["type": "string"]]],
                    output: ["type": "string"]
                )
            ),
            compatibilities: Compatibilities(openaiChatCompletions: true),
            configuration: configuration
        )
    }

    /// A quiet logger for the emulator.
    static let emulatorLogger: Logger = {
        var logger = Logger(label: "wriftai-emulator-tests")
        logger.logLevel = .warning
        return logger
    }()
}

/// What a test gets: the running emulator, its storage and a client for it.
struct Session: Sendable {
    let emulator: RunningEmulator
    let storage: InMemoryEmulatorStorage
    let client: WriftAIClient

    /// The emulator's request counts.
    func stats() async throws -> EmulatorStats {
        let answer = try await plainHTTP.send("GET", emulator.statsURL, timeout: .seconds(10))
        return try JSONDecoder().decode(EmulatorStats.self, from: Data(answer.body))
    }

    /// The digests of the stored versions of `model`, ascending by number.
    func storedDigests(_ model: ModelID) async -> [String] {
        let state = await storage.snapshot()
        return state.models.first { $0.model.owner == model.owner && $0.model.name == model.name }?
            .versions.map(\.containerImageDigest) ?? []
    }
}

/// Runs `body` with a fresh emulator on 127.0.0.1 (a free port, real HTTP) and a client for it, then
/// shuts the client and the emulator down.
func withSession<Value: Sendable>(
    emulator emulatorConfiguration: EmulatorConfiguration = Fixture.emulator(),
    configure: (inout WriftAIClient.Configuration) -> Void = { _ in },
    logger: Logger = Logger(label: "wriftai-tests", factory: { _ in SwiftLogNoOpLogHandler() }),
    metricsFactory: (any MetricsFactory)? = nil,
    _ body: (Session) async throws -> Value
) async throws -> Value {
    let storage = try InMemoryEmulatorStorage()
    return try await withRunningEmulator(
        configuration: emulatorConfiguration,
        storage: storage,
        logger: Fixture.emulatorLogger
    ) { emulator in
        var configuration = Fixture.client(emulator)
        configure(&configuration)
        let client = try WriftAIClient(configuration: configuration, logger: logger, metricsFactory: metricsFactory)
        do {
            let value = try await body(Session(emulator: emulator, storage: storage, client: client))
            try await client.shutdown()
            return value
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// The ``WriftAIError`` `body` throws, or `nil` if it succeeds; any other error is recorded as an issue.
func failure<Value>(
    _ body: () async throws -> Value,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> WriftAIError? {
    do {
        _ = try await body()
        return nil
    } catch let error as WriftAIError {
        return error
    } catch {
        Issue.record("expected a WriftAIError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
