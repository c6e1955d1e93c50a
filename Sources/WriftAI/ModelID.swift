import WriftAIModels

/// A model's identifier, `owner/name`.
public struct ModelID: Sendable, Hashable, Comparable, CustomStringConvertible {
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
}
