import Foundation
import WriftAIModels

/// A WriftAI bearer token. Its descriptions never show the value, so it can be logged or
/// interpolated by mistake without leaking.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where a token was read from, named in messages instead of its value.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// An environment variable, e.g. `WRIFTAI_ACCESS_TOKEN`.
        case environment(String)
        /// A file, by path.
        case file(String)
        /// Anywhere else, described in words (e.g. `the configured access token`).
        case other(String)

        /// `$WRIFTAI_ACCESS_TOKEN` or `the token file /run/secrets/wriftai`.
        public var description: String {
            switch self {
            case .environment(let name): "$\(name)"
            case .file(let path): "the token file \(EscapedText.quoted(path, limit: 200))"
            case .other(let words): words
            }
        }
    }

    /// The secret value, to be sent in the `Authorization` header and nowhere else.
    public let value: String

    /// Creates a token; surrounding whitespace is removed.
    ///
    /// Nothing else is checked: values read from the environment or a file go through
    /// ``init(validating:from:)``, which refuses what no token can contain.
    public init(_ value: String) {
        self.value = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A token read from `source`: a byte order mark and surrounding whitespace and line breaks are
    /// removed, and what remains must be one word of visible characters.
    ///
    /// - Throws: ``WriftAIError/configuration(_:)`` naming `source`, never the value, when it is empty,
    ///   holds a space, a line break or another control or invisible character, or starts with `Bearer `.
    public init(validating text: String, from source: Source) throws(WriftAIError) {
        var text = Substring(text)
        if text.unicodeScalars.first == "\u{FEFF}" { text = text.dropFirst() }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .configuration("\(source) is empty; it must hold the WriftAI access token") }
        let words = trimmed.split(whereSeparator: { $0.isWhitespace })
        if words.count == 2, words[0].lowercased() == "bearer" {
            throw .configuration(
                "\(source) starts with \"Bearer \": give the token alone; WriftSync adds the \"Bearer\" scheme "
                    + "itself")
        }
        if let offending = trimmed.unicodeScalars.enumerated().first(where: { Self.isForbidden($0.element) }) {
            throw .configuration(
                "\(source) holds \(Self.name(of: offending.element)) at character \(offending.offset + 1) of the "
                    + "token; a token is one line of visible characters without spaces (a file may end with one "
                    + "line break) — check that the right value was stored")
        }
        self.value = trimmed
    }

    /// Reads a token from the file at `path`: its whole content, without a leading byte order mark or
    /// surrounding whitespace and line breaks, validated by ``init(validating:from:)``.
    ///
    /// - Throws: ``WriftAIError/configuration(_:)`` when the file cannot be read, is empty or does not hold
    ///   exactly one token.
    public init(contentsOfFile path: String) throws(WriftAIError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configuration("cannot read the token file \(path): \(error.localizedDescription)")
        }
        try self.init(validating: text, from: .file(path))
    }

    /// Whether `scalar` can be no part of a token sent in a header: whitespace, controls, invisible
    /// format characters.
    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return true
        }
        switch scalar.value {
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF: return true
        default: return false
        }
    }

    /// A name for a forbidden character, never the character itself.
    private static func name(of scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": "a line break (LF)"
        case "\r": "a carriage return (CR)"
        case "\t": "a tab"
        case " ": "a space"
        default: "the invisible or control character U+" + String(format: "%04X", scalar.value)
        }
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `AccessToken(<redacted>)`.
    public var debugDescription: String { "AccessToken(<redacted>)" }
}
