import WriftAIModels

/// Shares one copy of each distinct JSON Schema among the versions of a load: thousands of versions often
/// declare the same schemas (inline, or through one `schemas_file`), and each parse would otherwise hold its
/// own tree. Equal by value means equal by meaning (see `JSONValue`), so sharing changes nothing else.
/// Used on the one thread that loads; not shared between loads.
final class SchemaInterner {
    private var known: [JSONValue: JSONValue] = [:]

    /// The one copy of `value`.
    func intern(_ value: JSONValue) -> JSONValue {
        if let existing = known[value] { return existing }
        known[value] = value
        return value
    }

    /// `schemas` with each part interned.
    func intern(_ schemas: Schemas) -> Schemas {
        Schemas(prediction: PredictionSchemas(
            input: intern(schemas.prediction.input),
            output: intern(schemas.prediction.output),
            streamOutput: schemas.prediction.streamOutput.map(intern)
        ))
    }
}
