/// Why a JSON Schema cannot be used for validation: it is malformed, uses something this validator does
/// not support, or exceeds the validator's bounds. Raised once, when the schema is compiled.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Kind: Sendable, Hashable {
        /// A keyword's value is not what draft 2020-12 requires (e.g. `"minimum": "3"`).
        case malformed
        /// Valid JSON Schema that this validator does not implement (e.g. `unevaluatedProperties`, a
        /// remote `$ref`); refusing it is safer than ignoring it and accepting values the schema rejects.
        case unsupported
        /// The schema is larger or deeper than ``JSONSchemaValidator/Limits`` allow.
        case tooLarge
        /// `$ref`s that lead back to themselves without descending into the value: any validation would
        /// loop forever.
        case referenceCycle
    }

    /// The kind of problem.
    public var kind: Kind
    /// Where in the schema the problem is, e.g. `/properties/score/minimum`.
    public var schemaPath: JSONPointer
    /// What is wrong and what to do instead.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, at schemaPath: JSONPointer, _ message: String) {
        self.kind = kind
        self.schemaPath = schemaPath
        self.message = message
    }

    /// `schema path: message`, e.g. `/properties/score/minimum: must be a number, found a string "3"`.
    public var description: String {
        "\(schemaPath): \(message)"
    }
}
