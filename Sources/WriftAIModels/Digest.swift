/// A container image digest: `sha256:` and 64 lowercase hex digits, validated once.
///
/// Two constructors, for two kinds of input:
/// - ``init(validating:)`` for what the API answers: exactly `^sha256:[a-f0-9]{64}$`, nothing else — an
///   uppercase digit, a missing prefix or a trailing space means the answer is not the API's, and must not
///   drive a write;
/// - ``init(normalizing:)`` for declarations written by people: they may use uppercase, stored lowercase.
///
/// Once made, a `Digest` is always canonical, so comparing two of them is comparing the images.
public struct Digest: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Why a text is not a digest.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text as given, escaped and cut to ``EscapedText/defaultLimit`` characters for messages.
        public let shown: String
        /// What the text must look like.
        public let rule: String

        /// E.g. `"0123…" is not a digest: it must match ^sha256:[a-f0-9]{64}$`.
        public var description: String { "\(shown) is not a digest: it must match \(rule)" }
    }

    /// The canonical text, e.g. `sha256:0123…cdef`.
    public let value: String

    /// The digest `text` is, exactly as the API writes it (``NameRules/digestPattern``).
    ///
    /// - Throws: ``Invalid`` for anything else, uppercase hex and surrounding spaces included.
    public init(validating text: String) throws(Invalid) {
        guard NameRules.isValidDigest(text) else {
            throw Invalid(shown: EscapedText.quoted(text), rule: NameRules.digestPattern)
        }
        value = text
    }

    /// The digest `text` is, accepting uppercase (as declarations always have), stored lowercase. This is the
    /// only place a digest is case-folded.
    ///
    /// - Throws: ``Invalid`` when the text is not `sha256:` and 64 hex digits, in either case.
    public init(normalizing text: String) throws(Invalid) {
        let lowered = text.lowercased()
        guard NameRules.isValidDigest(lowered) else {
            throw Invalid(shown: EscapedText.quoted(text), rule: "^sha256:[A-Fa-f0-9]{64}$")
        }
        value = lowered
    }

    /// A digest written in code (tests, examples): an invalid literal is a programming error.
    public init(stringLiteral text: String) {
        do {
            try self.init(validating: text)
        } catch {
            preconditionFailure(error.description)
        }
    }

    /// The first `count` hex digits, for people (`030303030303`).
    public func short(_ count: Int = 12) -> String { String(hex.prefix(count)) }

    /// `sha256:`, the first 12 hex digits and an ellipsis, for people (`sha256:030303030303…`).
    public var abbreviated: String { "sha256:" + short() + "…" }

    /// The 64 hex digits without the `sha256:` prefix.
    public var hex: Substring { value.dropFirst("sha256:".count) }

    /// The canonical text.
    public var description: String { value }

    /// Orders by the canonical text.
    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.value < rhs.value }

    /// Decodes a JSON string written by WriftSync (a saved plan, a state file): normalised, since files
    /// written before digests were values may hold a declaration's uppercase. API answers are wire strings,
    /// validated strictly by the client.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(normalizing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the canonical text as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
