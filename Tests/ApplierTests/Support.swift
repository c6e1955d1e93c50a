import Applier
import Declarations
import Foundation
import LiveState
import Logging
import Pipeline
import Planner
import WriftAI
import WriftAIEmulator
import WriftAIModels
import Synchronization
import WriftSyncTesting

/// Fixtures shared by the applier tests: an emulator, a client for it, declarations, and the real
/// read → plan path that produces the plans the applier is given.
enum Fixture {
    static let token = "applier-test-token-5c1e"

    static let schemas = EmulatorFixture.schemas

    /// An emulator knowing the test token, with no rate limit and the given models.
    static func emulator(models: [String], faults: EmulatorConfiguration.Faults = .init()) throws -> EmulatorConfiguration {
        try EmulatorFixture.configuration(token: token, models: models, faults: faults)
    }

    /// Runs `body` with a client for `emulator` (fast retries, no client-side rate), then shuts it down.
    static func withClient<Value: Sendable>(
        _ emulator: RunningEmulator,
        maxRetries: Int = 4,
        _ body: (WriftAIClient) async throws -> Value
    ) async throws -> Value {
        let configuration = WriftAIClient.Configuration(
            server: .init(baseURL: emulator.baseURL),
            token: AccessToken(token),
            timeouts: .init(connect: .seconds(5), request: .seconds(20)),
            retry: RetryPolicy(maxRetries: maxRetries, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(40), createSettle: .milliseconds(300)),
            pacing: .init(requestsPerSecond: nil)
        )
        return try await WriftAIClient.withClient(configuration: configuration, logger: quiet, body)
    }

    static let quiet: Logger = {
        var logger = Logger(label: "applier-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A declared version.
    static func version(_ seed: Int, notes: String? = nil, configuration: VersionConfiguration? = nil) -> VersionDeclaration {
        VersionDeclaration(
            containerImageDigest: digest(seed),
            releaseNotes: notes ?? "release \(seed)",
            schemas: schemas,
            configuration: configuration,
            location: SourceLocation(file: "models/test.yaml", line: seed, column: 5)
        )
    }

    /// A declared model.
    static func model(
        _ name: ModelID,
        _ versions: [VersionDeclaration],
        keep: [Int] = [],
        onImmutableChange: ImmutableChangePolicy = .warn,
        onOutOfOrder: OutOfOrderPolicy = .hold
    ) -> ModelDeclaration {
        ModelDeclaration(
            model: name, keep: keep, onImmutableChange: onImmutableChange, onOutOfOrder: onOutOfOrder, versions: versions,
            location: SourceLocation(file: "models/test.yaml", line: 1, column: 1)
        )
    }

    /// Stores versions directly in the emulator, oldest first, as if made long ago.
    static func seed(_ storage: InMemoryEmulatorStorage, _ model: String, _ seeds: [Int], notes: String? = nil) async throws {
        try await EmulatorFixture.seed(storage, model, seeds.map { (digest($0), notes ?? "release \($0)") })
    }

    /// The live versions of `model` in the emulator, oldest first.
    static func live(_ storage: InMemoryEmulatorStorage, _ model: String) async -> [VersionRecord] {
        await EmulatorFixture.live(storage, model)
    }

    /// Reads the live state through `client` and plans, as `wriftsync plan` does.
    static func plan(_ declarations: [ModelDeclaration], client: WriftAIClient) async throws -> Plan {
        let live = try await LiveStateReader(client: client.readOnly, cache: nil).read(LiveStateQuery(declarations: declarations))
        return Planner.plan(
            declarations: declarations, live: live,
            revision: Revision(repository: "/tmp/repo", ref: "refs/heads/main", commit: String(repeating: "a", count: 40))
        )
    }
}

/// Collects the results an apply reports as it goes, in completion order.
final class ResultLog: Sendable {
    private let results = Mutex<[ActionResult]>([])

    func append(_ result: ActionResult) { results.withLock { $0.append(result) } }

    var all: [ActionResult] { results.withLock { $0 } }
}
