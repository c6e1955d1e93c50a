/// One way in which a value fails its JSON Schema: where in the value, which keyword, and why.
///
/// Its description is the form users see, e.g. `/items/0/score: 1.4 is more than the maximum 1`.
public struct SchemaViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the validated value the problem is.
    public var instancePath: JSONPointer
    /// The schema keyword that failed, e.g. `maximum`; `false` for a `false` schema, `limits` when
    /// validation stopped at one of the validator's bounds.
    public var keyword: String
    /// Where in the schema the failing keyword is, e.g. `/properties/score/maximum`.
    public var schemaPath: JSONPointer
    /// What is wrong, without the path, e.g. `1.4 is more than the maximum 1`.
    public var message: String

    /// Creates a violation.
    public init(instancePath: JSONPointer, keyword: String, schemaPath: JSONPointer, message: String) {
        self.instancePath = instancePath
        self.keyword = keyword
        self.schemaPath = schemaPath
        self.message = message
    }

    /// `path: message`, e.g. `/items/0/score: 1.4 is more than the maximum 1`.
    public var description: String {
        "\(instancePath): \(message)"
    }
}
