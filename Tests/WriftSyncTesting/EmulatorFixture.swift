import Foundation
import WriftAIEmulator
import WriftAIModels

/// Emulator configurations, versions stored straight into its storage, and its request counts: what the tests
/// running against an emulator share.
public enum EmulatorFixture {
    /// The schemas of the versions the fixtures store: an object in, a string out.
    public static let schemas = Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"]))

    /// An emulator where `token` is `owner`'s, with no rate limit, `faults`, and `models` (`owner/name`) from the start.
    public static func configuration(
        token: String, owner: String = "alice", models: [String], faults: EmulatorConfiguration.Faults = .init()
    ) throws -> EmulatorConfiguration {
        EmulatorConfiguration(
            authentication: .init(usersByToken: [token: owner]),
            rateLimit: .off,
            faults: faults,
            initialModels: try models.map { try InitialModel(parsing: $0) }
        )
    }

    /// A valid create-version body for `seed` (its digest ``digest(_:)``), as JSON.
    public static func versionBody(_ seed: Int, notes: String? = nil, configuration: JSONValue? = nil) -> JSONValue {
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

    /// Stores versions of `model` (`owner/name`) directly, oldest first, as if made long ago.
    public static func seed(_ storage: InMemoryEmulatorStorage, _ model: String, _ versions: [(digest: String, notes: String)]) async throws {
        let parts = model.split(separator: "/").map(String.init)
        for (index, version) in versions.enumerated() {
            let draft = VersionDraft(
                releaseNotes: version.notes, containerImageDigest: version.digest, schemas: schemas, compatibilities: Compatibilities(),
                configuration: nil, fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
                createdAt: "2026-01-01T00:00:\(String(format: "%02d", index)).000Z"
            )
            _ = try await storage.createVersion(owner: parts[0], name: parts[1], draft: draft)
        }
    }

    /// The live versions of `model` (`owner/name`), oldest first.
    public static func live(_ storage: InMemoryEmulatorStorage, _ model: String) async -> [VersionRecord] {
        let parts = model.split(separator: "/").map(String.init)
        return await storage.versions(owner: parts[0], name: parts[1]) ?? []
    }

    /// The emulator's request counts, fetched over HTTP.
    public static func stats(_ emulator: RunningEmulator) async throws -> EmulatorStats {
        let url = emulator.statsURL
        let body = try await onOwnThread { try Shell.run(["curl", "-sf", url]) }
        return try JSONDecoder().decode(EmulatorStats.self, from: Data(body.utf8))
    }

    /// Clears the emulator's request counts.
    public static func resetStats(_ emulator: RunningEmulator) async throws {
        let url = emulator.statsURL
        _ = try await onOwnThread { try Shell.run(["curl", "-sf", "-X", "DELETE", url]) }
    }
}
