/// Why a model or version identifier was refused.
public struct IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The refused text.
    public let text: String
    /// The expected form, e.g. `OWNER/NAME`.
    public let expected: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error.
    public init(text: String, expected: String, problem: String) {
        self.text = text
        self.expected = expected
        self.problem = problem
    }

    /// E.g. `invalid identifier 'acme': expected OWNER/NAME (expected exactly one '/')`.
    public var description: String {
        "invalid identifier '\(text)': expected \(expected) (\(problem))"
    }
}
