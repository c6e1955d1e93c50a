/// Untrusted text (from an API answer, a file, a header) made safe to show in a one-line message: control
/// and invisible characters escaped, and cut to a length, so that a hostile value can neither forge a log
/// line nor flood the output.
public enum EscapedText {
    /// How many characters of a value a message shows by default.
    public static let defaultLimit = 80

    /// `text` with `\n`, `\r`, `\t`, other control characters, and invisible format characters
    /// (zero-width, bidirectional overrides, BOM) escaped, and cut to `limit` characters followed by
    /// `… (N characters)` when longer.
    public static func escaped(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        let (shown, rest) = escaped(text, limit: limit, quoting: false)
        return shown + rest
    }

    /// ``escaped(_:limit:)`` in double quotes, with `"` and `\` escaped too, e.g. `"sha256:0123 "`; when cut,
    /// the count follows the closing quote: `"abc…"… (5000 characters)`.
    public static func quoted(_ text: some StringProtocol, limit: Int = defaultLimit) -> String {
        let (shown, rest) = escaped(text, limit: limit, quoting: true)
        return "\"" + shown + "\"" + rest
    }

    private static func escaped(_ text: some StringProtocol, limit: Int, quoting: Bool) -> (String, String) {
        var result = ""
        var shown = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            guard shown < limit else { continue }
            shown += 1
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\\" where quoting: result += "\\\\"
            case "\"" where quoting: result += "\\\""
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isInvisible(scalar) {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return (result, total > limit ? "… (\(total) characters)" : "")
    }

    /// Format characters that change how text reads without showing: zero-width spaces and joiners,
    /// bidirectional marks and overrides, the byte order mark, line and paragraph separators.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF: true
        default: false
        }
    }
}
