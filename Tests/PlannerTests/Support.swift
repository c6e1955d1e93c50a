import Declarations
import Foundation
import Planner
import WriftAIModels
import WriftSyncTesting

/// Small builders so each test states only what it is about.
enum Fixture {
    static let model: ModelID = "acme/sentiment"
    static let revision = Revision(
        repository: "https://git.example/acme/models.git",
        ref: "main",
        commit: "4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
    )

    /// `d7` for `repeatedDigest(7)`: keeps expectations short.
    static func label(_ digest: Digest) -> String {
        let pair = digest.hex.prefix(2)
        return "d\(Int(pair, radix: 16) ?? -1)"
    }

    static let schemas = Schemas(
        prediction: PredictionSchemas(
            input: ["type": "object", "properties": ["prompt": ["type": "string", "maxLength": 100]]],
            output: ["type": "string"]
        )
    )

    static func schemas(json: String) throws -> Schemas {
        try JSONDecoder().decode(Schemas.self, from: Data(json.utf8))
    }

    static func declared(
        _ n: Int,
        notes: String? = nil,
        schemas: Schemas = Fixture.schemas,
        compatibilities: Compatibilities? = nil,
        configuration: VersionConfiguration? = nil
    ) -> VersionDeclaration {
        VersionDeclaration(
            containerImageDigest: repeatedDigest(n),
            releaseNotes: notes ?? "Release \(n)",
            schemas: schemas,
            compatibilities: compatibilities,
            configuration: configuration,
            location: SourceLocation(file: "models/sentiment.yaml", line: 10 + n, column: 5)
        )
    }

    /// A declaration of `model` (the fixture's own unless told) holding `versions`.
    static func declaration(
        _ versions: [VersionDeclaration],
        of model: ModelID = Fixture.model,
        prune: Bool = true,
        allowEmpty: Bool = false,
        keep: [Int] = [],
        suspend: Bool = false,
        onImmutableChange: ImmutableChangePolicy = .warn,
        onOutOfOrder: OutOfOrderPolicy = .hold
    ) -> ModelDeclaration {
        ModelDeclaration(
            model: model,
            prune: prune,
            allowEmpty: allowEmpty,
            keep: keep,
            suspend: suspend,
            onImmutableChange: onImmutableChange,
            onOutOfOrder: onOutOfOrder,
            versions: versions,
            location: SourceLocation(file: "models/sentiment.yaml", line: 1, column: 1)
        )
    }

    /// Live version `number` with `repeatedDigest(d)`; details (schemas, compatibilities) known unless told.
    static func live(
        _ number: Int,
        _ d: Int,
        notes: String? = nil,
        schemas: Schemas? = Fixture.schemas,
        compatibilities: Compatibilities? = Compatibilities(),
        configuration: VersionConfiguration? = nil
    ) -> LiveVersion {
        LiveVersion(
            number: number,
            createdAt: "2026-01-\(number < 10 ? "0" : "")\(number)T00:00:00Z",
            containerImageDigest: repeatedDigest(d),
            releaseNotes: notes ?? "Release \(d)",
            schemas: schemas,
            compatibilities: compatibilities,
            configuration: configuration
        )
    }

    static func plan(
        _ declarations: [ModelDeclaration],
        live: [ModelID: [LiveVersion]] = [:],
        rateLimit: Double = 3
    ) -> Plan {
        Planner.plan(
            declarations: declarations,
            live: Dictionary(uniqueKeysWithValues: live.map { ($0.key, LiveModel(model: $0.key, versions: $0.value)) }),
            revision: revision
        ).estimatingTime(at: rateLimit)
    }

    static func plan(_ declaration: ModelDeclaration, live versions: [LiveVersion]) -> Plan {
        plan([declaration], live: [declaration.model: versions])
    }

    static let gpu = VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN", "WANDB_KEY"])
}

extension Plan {
    /// `create d3`, `configure #2`, `delete #1`, prefixed with the model when `withModel`.
    func steps(withModel: Bool = false) -> [String] {
        changes.map { change in
            let step =
                switch change.action {
                case .create: "create \(Fixture.label(change.digest))"
                case .updateConfiguration: "configure #\(change.number ?? -1)"
                case .delete: "delete #\(change.number ?? -1)"
                case .smokeTest: "smoke-test #\(change.number ?? -1)"
                }
            return withModel ? "\(change.model) \(step)" : step
        }
    }

    var warningKinds: [WarningKind] { warnings.map(\.kind) }
}
