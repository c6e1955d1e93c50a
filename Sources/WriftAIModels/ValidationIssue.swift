/// One problem in a request, as listed in a 422 answer.
public struct ValidationIssue: Codable, Sendable, Equatable {
    /// Where the problem is, e.g. `["body", "release_notes"]` or `["body", "configuration", "variable_names", 0]`.
    public var loc: [LocationComponent]
    /// What is wrong, in words.
    public var msg: String
    /// A machine-readable kind of problem, e.g. `missing` or `string_too_long`.
    public var type: String

    /// Creates an issue.
    public init(loc: [LocationComponent], msg: String, type: String) {
        self.loc = loc
        self.msg = msg
        self.type = type
    }

    /// The location as a dotted path, e.g. `body.configuration.variable_names.0`.
    public var path: String {
        loc.map(\.description).joined(separator: ".")
    }
}
