import Foundation
import JSONSchema
import WriftAIModels

/// The emulator's predictions, in memory (they are not part of the state file): created with their
/// outcome decided, read back by identifier, the oldest forgotten past the retention.
actor PredictionStore {
    let settings: EmulatorConfiguration.Predictions
    /// When predictions are created, and how far they have run.
    let clock: EmulatorClock
    private var records: [String: PredictionRecord] = [:]
    private var order: [String] = []
    private var oldest = 0
    /// Seeds output generation, so a run of the emulator produces the same outputs in the same order.
    private var created: UInt64 = 0
    /// Compiled schemas by version (`owner/name:number`; numbers are never reused, schemas never change).
    private var validators: [String: Result<JSONSchemaValidator, SchemaError>] = [:]
    private static let maxCachedValidators = 1_000

    init(settings: EmulatorConfiguration.Predictions, clock: EmulatorClock) {
        self.settings = settings
        self.clock = clock
    }

    /// Why `input` does not match the input schema of `version` of `owner/name`, as 422 issues under
    /// `["body", "input", …]`; empty when it matches.
    func inputIssues(owner: String, name: String, version: VersionRecord, input: JSONValue) -> [ValidationIssue] {
        let base: [LocationComponent] = ["body", "input"]
        switch validator(owner: owner, name: name, number: version.number, role: "input", schema: version.schemas.prediction.input) {
        case .failure(let error):
            return [ValidationIssue(loc: base, msg: "The version's input schema cannot be used: \(error)", type: "schema_invalid")]
        case .success(let validator):
            return validator.validate(input).map { violation in
                let path = violation.instancePath.components.map { component -> LocationComponent in
                    switch component {
                    case .key(let key): .key(key)
                    case .index(let index): .index(index)
                    }
                }
                return ValidationIssue(loc: base + path, msg: violation.message, type: "json_schema_\(violation.keyword)")
            }
        }
    }

    /// Creates a prediction on `version` of `owner/name` for `user`, its outcome decided now: failed for
    /// a digest of ``EmulatorConfiguration/Predictions/failDigests``, an output violating the output
    /// schema for one of ``EmulatorConfiguration/Predictions/badOutputDigests``, else an output generated
    /// to satisfy it.
    func create(owner: String, name: String, version: VersionRecord, user: String, input: JSONValue) -> PredictionRecord {
        created += 1
        let seed = created
        let record = PredictionRecord(
            id: UUID().uuidString.lowercased(),
            owner: owner,
            name: name,
            versionNumber: version.number,
            user: user,
            input: input,
            created: clock.instant(),
            createdAt: clock.now(),
            duration: .milliseconds(max(0, settings.durationMilliseconds)),
            outcome: outcome(owner: owner, name: name, version: version, seed: seed)
        )
        records[record.id] = record
        order.append(record.id)
        while order.count - oldest > max(1, settings.retention) {
            records[order[oldest]] = nil
            oldest += 1
        }
        if oldest > 4_096 {
            order.removeFirst(oldest)
            oldest = 0
        }
        return record
    }

    /// The prediction `id`, if it is kept.
    func prediction(_ id: String) -> PredictionRecord? {
        records[id]
    }

    private func outcome(owner: String, name: String, version: VersionRecord, seed: UInt64) -> PredictionRecord.Outcome {
        let digest = version.containerImageDigest
        if settings.failDigests.contains(digest) {
            return .failed(
                PredictionError(
                    source: .external,
                    message: "the model raised an error (injected by the emulator's --prediction-fail for \(digest))",
                    detail: ["digest": .string(digest), "fault": "prediction-fail"]
                ))
        }
        let schema = version.schemas.prediction.output
        let validator: JSONSchemaValidator
        switch self.validator(owner: owner, name: name, number: version.number, role: "output", schema: schema) {
        case .success(let compiled): validator = compiled
        case .failure(let error):
            return .failed(PredictionError(source: .internal, message: "the version's output schema cannot be used: \(error)"))
        }
        let generator = JSONSchemaGenerator(validator)
        if settings.badOutputDigests.contains(digest), let bad = generator.violatingValue(seed: seed) {
            return .succeeded(output: bad)
        }
        do {
            return .succeeded(output: try generator.value(seed: seed))
        } catch {
            return .failed(
                PredictionError(source: .internal, message: "the emulator cannot generate an output for the version's output schema: \(error)"))
        }
    }

    private func validator(owner: String, name: String, number: Int, role: String, schema: JSONValue) -> Result<JSONSchemaValidator, SchemaError> {
        let key = "\(owner)/\(name):\(number)#\(role)"
        if let cached = validators[key] { return cached }
        if validators.count >= Self.maxCachedValidators { validators.removeAll() }
        let compiled = Result { () throws(SchemaError) -> JSONSchemaValidator in try JSONSchemaValidator(schema) }
        validators[key] = compiled
        return compiled
    }
}
