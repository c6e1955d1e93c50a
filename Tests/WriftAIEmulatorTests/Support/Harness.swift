import Foundation
import HummingbirdTesting
import Logging
import WriftAIEmulator
import WriftAIModels

/// The users every test emulator knows.
enum Users {
    static let alice = "alice-token"
    static let bob = "bob-token"
    static let all = [alice: "alice", bob: "bob"]
}

/// Test fixtures: configurations, version bodies and digests.
enum Fixture {
    /// A configuration with the test users, no rate limit and `alice/demo` (private).
    static func configuration(
        rateLimit: EmulatorConfiguration.RateLimit = .off,
        faults: EmulatorConfiguration.Faults = .init(),
        models: [InitialModel] = [InitialModel(owner: "alice", name: "demo")]
    ) -> EmulatorConfiguration {
        EmulatorConfiguration(
            authentication: .init(usersByToken: Users.all),
            rateLimit: rateLimit,
            faults: faults,
            initialModels: models
        )
    }

    /// A digest unique to `seed`.
    static func digest(_ seed: Int) -> String {
        let hex = String(seed, radix: 16)
        return "sha256:" + String(repeating: "0", count: 64 - hex.count) + hex
    }

    /// A valid create-version body.
    static func versionBody(
        _ seed: Int,
        notes: String? = nil,
        configuration: JSONValue? = nil
    ) -> JSONValue {
        var body: [String: JSONValue] = [
            "release_notes": .string(notes ?? "release \(seed)"),
            "container_image_digest": .string(digest(seed)),
            "schemas": [
                "prediction": [
                    "input": ["type": "object", "properties": ["prompt": ["type": "string"]]],
                    "output": ["type": "string"],
                ]
            ],
            "compatibilities": ["openai_chat_completions": true],
        ]
        if let configuration { body["configuration"] = configuration }
        return .object(body)
    }

    /// A quiet logger, so test output stays readable.
    static let logger: Logger = {
        var logger = Logger(label: "wriftai-emulator-tests")
        logger.logLevel = .warning
        return logger
    }()
}

/// Runs `body` against a fresh emulator on 127.0.0.1 and a free port, over real HTTP, and stops the
/// emulator through its service group's graceful shutdown afterwards.
func withEmulator<Value: Sendable>(
    _ configuration: EmulatorConfiguration = Fixture.configuration(),
    storage: (any EmulatorStorage)? = nil,
    _ body: (EmulatorTestClient, RunningEmulator) async throws -> Value
) async throws -> Value {
    let storage = try storage ?? InMemoryEmulatorStorage()
    return try await withRunningEmulator(configuration: configuration, storage: storage, logger: Fixture.logger) {
        emulator in
        try await withClient(port: emulator.port) { client in
            try await body(client, emulator)
        }
    }
}

/// Opens a connection to the emulator on `port`, runs `body` with it and closes it.
func withClient<Value: Sendable>(
    port: Int,
    _ body: (EmulatorTestClient) async throws -> Value
) async throws -> Value {
    let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
    client.connect()
    do {
        let value = try await body(EmulatorTestClient(client: client, port: port))
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}
