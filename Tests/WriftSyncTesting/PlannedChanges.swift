import Planner
import WriftAIModels

/// A planned change of `model` with the payload its kind needs and nothing more: what tests of rendering,
/// ordering, events and status need when they do not go through the planner. Numbers default to 0 for the
/// kinds that have one.
public func plannedChange(
    _ model: ModelID, _ action: ChangeAction, digest: Digest, number: Int? = nil, releaseNotes: String = "",
    reason: String = "declared in git"
) -> PlannedChange {
    let declaredAt = "models/test.yaml:1:1"
    switch action {
    case .create:
        let schemas = Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"]))
        let request = CreateVersionRequest(releaseNotes: releaseNotes, containerImageDigest: digest.value, schemas: schemas)
        return .create(.init(model: model, digest: digest, releaseNotes: releaseNotes, reason: reason, request: request, declaredAt: declaredAt))
    case .updateConfiguration:
        return .updateConfiguration(.init(
            model: model, number: number ?? 0, digest: digest, releaseNotes: releaseNotes, reason: reason,
            to: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []), from: nil, declaredAt: declaredAt
        ))
    case .delete:
        return .delete(.init(model: model, number: number ?? 0, digest: digest, releaseNotes: releaseNotes, reason: reason))
    case .smokeTest:
        return .smokeTest(.init(
            model: model, number: number ?? 0, digest: digest, releaseNotes: releaseNotes, reason: reason, declaredAt: declaredAt,
            gate: .init(tests: [SmokeTest(name: "smoke", input: ["a": 1], maxSeconds: 1)], fingerprint: "f")
        ))
    }
}
