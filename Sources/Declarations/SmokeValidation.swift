import JSONSchema
import WriftAIModels

/// What `validate` checks of smoke cases once every version's schemas are known (`schemas_file`s
/// included): each input against the input schema of every version it runs on, and each
/// `expect_output` against the output schema, reported at the offending part of the YAML.
enum SmokeValidation {
    /// Violations listed per case and schema; more are counted in the last line.
    static let maxViolationsPerCase = 5

    static func diagnostics(for models: [ModelDeclaration]) -> [Diagnostic] {
        models.flatMap(diagnostics(for:))
    }

    static func diagnostics(for model: ModelDeclaration) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for version in model.versions {
            let cases: [(name: String, smoke: SmokeCase)]
            // A default case runs on several versions: its messages say which one.
            let schemaOf: (String) -> String
            if let own = version.smoke {
                cases = own.enumerated().map { ("smoke case \($0 + 1)", $1) }
                schemaOf = { "the version's \($0) schema" }
            } else {
                cases = (model.smokeDefaults?.cases ?? []).enumerated().map { ("smoke_defaults case \($0 + 1)", $1) }
                schemaOf = { "the \($0) schema of the version \(version.containerImageDigest.abbreviated) (\(version.location))" }
            }
            guard !cases.isEmpty else { continue }
            let input = Result { () throws(SchemaError) in try JSONSchemaValidator(version.schemas.prediction.input) }
            let output = Result { () throws(SchemaError) in try JSONSchemaValidator(version.schemas.prediction.output) }
            for (name, smoke) in cases {
                diagnostics += check(
                    smoke.input, locations: smoke.inputLocations, against: input,
                    what: "\(name): the input", schema: schemaOf("input"))
                if let expected = smoke.expectOutput, let locations = smoke.expectOutputLocations {
                    diagnostics += check(
                        expected, locations: locations, against: output,
                        what: "\(name): expect_output", schema: schemaOf("output"))
                } else if case .failure(let error) = output {
                    // Without `expect_output`, the gate checks the output against the output schema: one it
                    // cannot use failed every such case after the version was live, rolling it back and
                    // quarantining its image, at every change of the declaration.
                    diagnostics.append(Diagnostic(
                        smoke.inputLocations.root, "\(name): its output cannot be checked: \(schemaOf("output")) is not usable: \(error)"))
                }
            }
        }
        return diagnostics
    }

    private static func check(
        _ value: JSONValue,
        locations: ValueLocations,
        against validator: Result<JSONSchemaValidator, SchemaError>,
        what: String,
        schema: String
    ) -> [Diagnostic] {
        let compiled: JSONSchemaValidator
        switch validator {
        case .success(let validator): compiled = validator
        case .failure(let error):
            return [Diagnostic(locations.root, "\(what) cannot be checked: \(schema) is not usable: \(error)")]
        }
        let violations = compiled.validate(value)
        var diagnostics = violations.prefix(maxViolationsPerCase).map { violation in
            Diagnostic(locations.location(of: violation.instancePath), "\(what) does not match \(schema): \(violation.shortened)")
        }
        if violations.count > maxViolationsPerCase {
            diagnostics.append(Diagnostic(locations.root, "\(what): \(violations.count - maxViolationsPerCase) more violations of \(schema), not listed"))
        }
        return diagnostics
    }
}
