/// A model's identifier, `owner/name`.
///
/// Validated once, where a model name enters (a declaration, a saved plan, a flag); everything after holds
/// the value, never the text.
public struct ModelID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The owning user's name.
    public let owner: String
    /// The model's name.
    public let name: String

    /// Creates an identifier from validated parts.
    ///
    /// - Throws: ``IdentifierError`` when a part is not a valid name.
    public init(owner: String, name: String) throws(IdentifierError) {
        guard NameRules.isValidName(owner) else {
            throw IdentifierError(text: "\(owner)/\(name)", expected: "OWNER/NAME", problem: "invalid owner '\(owner)'")
        }
        guard NameRules.isValidName(name) else {
            throw IdentifierError(text: "\(owner)/\(name)", expected: "OWNER/NAME", problem: "invalid name '\(name)'")
        }
        self.owner = owner
        self.name = name
    }

    /// Parses `owner/name`.
    ///
    /// - Throws: ``IdentifierError`` naming what is wrong.
    public init(parsing text: String) throws(IdentifierError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw IdentifierError(text: text, expected: "OWNER/NAME", problem: "expected exactly one '/'")
        }
        do {
            try self.init(owner: String(parts[0]), name: String(parts[1]))
        } catch {
            throw IdentifierError(text: text, expected: "OWNER/NAME", problem: error.problem)
        }
    }

    /// `owner/name`.
    public var description: String { "\(owner)/\(name)" }

    /// Orders by owner, then name.
    public static func < (lhs: ModelID, rhs: ModelID) -> Bool {
        (lhs.owner, lhs.name) < (rhs.owner, rhs.name)
    }

    /// Decodes `owner/name` from a JSON string, validated (a saved plan edited by hand).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes `owner/name` as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// A model named in code (tests, examples): an invalid literal is a programming error.
    public init(stringLiteral text: String) {
        do {
            try self.init(parsing: text)
        } catch {
            preconditionFailure("\(error)")
        }
    }
}
