import Foundation

/// A WriftAI bearer token. Its descriptions never show the value, so it can be logged or
/// interpolated by mistake without leaking.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret value, to be sent in the `Authorization` header and nowhere else.
    public let value: String

    /// Creates a token; surrounding whitespace is removed.
    public init(_ value: String) {
        self.value = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads a token from the first non-empty line of the file at `path`.
    ///
    /// - Throws: ``WriftAIError/configuration(_:)`` when the file cannot be read or holds no token.
    public init(contentsOfFile path: String) throws(WriftAIError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configuration("cannot read the token file \(path): \(error.localizedDescription)")
        }
        let line = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty }
        guard let line else { throw .configuration("the token file \(path) is empty") }
        self.init(line)
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `AccessToken(<redacted>)`.
    public var debugDescription: String { "AccessToken(<redacted>)" }
}
