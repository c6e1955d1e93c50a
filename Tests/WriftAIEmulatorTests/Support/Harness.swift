import Foundation
import HummingbirdTesting
import Logging
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

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

    /// A valid create-version body.
    static func versionBody(_ seed: Int, notes: String? = nil, configuration: JSONValue? = nil) -> JSONValue {
        EmulatorFixture.versionBody(seed, notes: notes, configuration: configuration)
    }

    /// A quiet logger, so test output stays readable.
    static let logger: Logger = {
        var logger = Logger(label: "wriftai-emulator-tests")
        logger.logLevel = .warning
        return logger
    }()
}

/// Runs `body` against a fresh emulator on 127.0.0.1 and a free port, over real HTTP, and stops the
/// emulator through its service group's graceful shutdown afterwards: for the tests where the socket matters
/// (connections closed by faults, trickled or held answers, timeouts, other clients).
func withEmulator<Value: Sendable>(
    _ configuration: EmulatorConfiguration = Fixture.configuration(),
    storage: (any EmulatorStorage)? = nil,
    clientTimeout: Duration = .seconds(30),
    _ body: (EmulatorTestClient, RunningEmulator) async throws -> Value
) async throws -> Value {
    let storage = try storage ?? InMemoryEmulatorStorage()
    return try await withRunningEmulator(configuration: configuration, storage: storage, logger: Fixture.logger) {
        emulator in
        try await withClient(port: emulator.port, timeout: clientTimeout) { client in
            try await body(client, emulator)
        }
    }
}

/// Runs `body` against a fresh emulator in process, its requests handed straight to its router (HummingbirdTesting's
/// `.router`): no socket, no port, for the tests of what the routes answer.
func withRoutes<Value: Sendable>(
    _ configuration: EmulatorConfiguration = Fixture.configuration(),
    storage: (any EmulatorStorage)? = nil,
    _ body: (EmulatorTestClient) async throws -> Value
) async throws -> Value {
    let storage = try storage ?? InMemoryEmulatorStorage()
    let application = try buildEmulatorApplication(configuration: configuration, storage: storage, logger: Fixture.logger)
    // `test` takes a sendable closure; the body runs within the call, on this task's behalf, so it never escapes.
    return try await withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        return try await application.test(.router) { client in
            try await body(EmulatorTestClient(router: client))
        }
    }
}
