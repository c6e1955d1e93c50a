import Foundation

/// A fragment of HTML that is escaped by construction: in a literal such as `"<td>\(notes)</td>"`, the
/// literal parts are markup written here and every interpolated `String` or number is escaped as text
/// (`&`, `<`, `>`, `"` and `'`), so a value from the repository or the API can never become markup, in an
/// element or in a quoted attribute. Only another `HTML` value is inserted as is.
///
/// The status page is built from these; there is no other way to put text into it.
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation {
    /// The markup.
    public private(set) var rendered: String

    /// Markup written in the source (a literal without interpolation).
    public init(stringLiteral literal: String) {
        rendered = literal
    }

    /// Markup with escaped values interpolated.
    public init(stringInterpolation: StringInterpolation) {
        rendered = stringInterpolation.output
    }

    /// No markup.
    public static let empty: HTML = ""

    /// Fragments one after another.
    public init(joining parts: some Sequence<HTML>, separator: HTML = .empty) {
        rendered = parts.map(\.rendered).joined(separator: separator.rendered)
    }

    /// Trusted markup from a constant of this module (the stylesheet, the script): never from a value.
    init(trusted constant: StaticString) {
        rendered = constant.description
    }

    /// Builds ``HTML`` from literal markup and escaped values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var output = ""

        /// Reserves room.
        public init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// Markup written in the source.
        public mutating func appendLiteral(_ literal: String) {
            output += literal
        }

        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) {
            output += HTML.escape(text)
        }

        /// Text, or nothing for `nil`: escaped.
        public mutating func appendInterpolation(_ text: String?) {
            if let text { output += HTML.escape(text) }
        }

        /// A number or any other value, as text: escaped.
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            output += HTML.escape(value.description)
        }

        /// Markup made by this builder: as is.
        public mutating func appendInterpolation(_ html: HTML) {
            output += html.rendered
        }

        /// Markup fragments, one after another.
        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { output += part.rendered }
        }
    }

    /// `text` with the five characters that matter in HTML text and quoted attributes escaped.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            // Control characters other than tab and newline have no business on the page.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{7F}": escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// One path segment of a link (`acme` of `/models/acme/sentiment`), percent-encoded so that no value can
    /// end the segment, add a query or name another host.
    public static func pathSegment(_ segment: String) -> String {
        // ASCII only: the unreserved characters of RFC 3986.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
