import WriftAIModels
/// A prediction's identifier, as `POST /predictions` answers it: 1 to 128 letters, digits, `.`, `_` or
/// `-`, so that it can go into a URL path as it is.
public struct PredictionID: Sendable, Hashable, CustomStringConvertible {
    /// The identifier's text.
    public let value: String

    /// Validates an identifier.
    ///
    /// - Throws: ``IdentifierError`` when `text` is empty, too long or holds other characters.
    public init(_ text: String) throws(IdentifierError) {
        let scalars = text.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= 128 else {
            throw IdentifierError(text: text, expected: "a prediction identifier", problem: "it must be 1 to 128 characters long")
        }
        guard scalars.allSatisfy(Self.isAllowed) else {
            throw IdentifierError(
                text: text, expected: "a prediction identifier",
                problem: "only letters, digits, '.', '_' and '-' are allowed")
        }
        self.value = text
    }

    /// The identifier's text.
    public var description: String { value }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "." || scalar == "_" || scalar == "-"
    }
}
