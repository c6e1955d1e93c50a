import WriftAIModels
/// A model version's identifier, `owner/name:number`.
public struct VersionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The model the version belongs to.
    public let model: ModelID
    /// The version number, 1 or more.
    public let number: Int

    /// Creates an identifier.
    ///
    /// - Throws: ``IdentifierError`` when `number` is below 1.
    public init(model: ModelID, number: Int) throws(IdentifierError) {
        guard number >= 1 else {
            throw IdentifierError(
                text: "\(model):\(number)",
                expected: "OWNER/NAME:NUMBER",
                problem: "the version number must be 1 or more"
            )
        }
        self.model = model
        self.number = number
    }

    /// Parses `owner/name:number`.
    ///
    /// - Throws: ``IdentifierError`` naming what is wrong.
    public init(parsing text: String) throws(IdentifierError) {
        let expected = "OWNER/NAME:NUMBER"
        guard let colon = text.lastIndex(of: ":") else {
            throw IdentifierError(text: text, expected: expected, problem: "missing ':NUMBER'")
        }
        let numberText = text[text.index(after: colon)...]
        guard !numberText.isEmpty, numberText.allSatisfy(\.isASCII), numberText.allSatisfy(\.isNumber),
            let number = Int(numberText)
        else {
            throw IdentifierError(text: text, expected: expected, problem: "'\(numberText)' is not a version number")
        }
        let model: ModelID
        do {
            model = try ModelID(parsing: String(text[..<colon]))
        } catch {
            throw IdentifierError(text: text, expected: expected, problem: error.problem)
        }
        do {
            try self.init(model: model, number: number)
        } catch {
            throw IdentifierError(text: text, expected: expected, problem: error.problem)
        }
    }

    /// `owner/name:number`.
    public var description: String { "\(model):\(number)" }

    /// Orders by model, then number.
    public static func < (lhs: VersionID, rhs: VersionID) -> Bool {
        (lhs.model, lhs.number) < (rhs.model, rhs.number)
    }
}
