import Foundation

/// A `pattern` of JSON Schema: an ECMA-262 regular expression, run by ICU (`NSRegularExpression`) after
/// rewriting the constructs whose meaning differs between the two, and matched anywhere in the string
/// (unanchored), as the specification says.
///
/// Rewritten: `\d \w \s` (and `\D \W \S`) to ECMA's ASCII and whitespace sets; `.` to "not a line
/// terminator" as ECMA counts them; `$` to the end of the input only (ICU's `$` also matches before a
/// final line break); `\u{…}` to ICU's `\x{…}`; `[]` and `[^]`; a `{` that starts no quantifier to a
/// literal; and, inside classes, ICU's set syntax characters `[` and `&` to literals. Not rewritten (see
/// docs/release-gate.md): `\b` and `\B` use Unicode word characters, case-insensitive and other flags do
/// not exist in JSON Schema, and ICU backtracks like ECMA engines do, so a pattern with nested
/// quantifiers can take exponential time on a long string.
final class ECMAPattern: @unchecked Sendable {
    // NSRegularExpression is immutable once made and documented as safe to use from several threads.

    /// The pattern as written in the schema.
    let source: String
    private let expression: NSRegularExpression

    /// The longest pattern accepted, against patterns built to be slow to compile.
    static let maxLength = 4096

    /// Compiles `source`; `nil` with ICU's reason when it is not a valid regular expression.
    init(_ source: String) throws(PatternError) {
        guard source.unicodeScalars.count <= Self.maxLength else {
            throw PatternError(reason: "longer than \(Self.maxLength) characters")
        }
        self.source = source
        do {
            expression = try NSRegularExpression(pattern: Self.icuPattern(for: source), options: [])
        } catch {
            throw PatternError(reason: "not a valid regular expression")
        }
    }

    /// Why a pattern cannot be used.
    struct PatternError: Error {
        var reason: String
    }

    /// Whether the pattern matches somewhere in `string`.
    func matches(_ string: String) -> Bool {
        let range = NSRange(string.startIndex..<string.endIndex, in: string)
        return expression.firstMatch(in: string, options: [], range: range) != nil
    }

    // ECMA-262's sets, written for ICU.
    private static let digit = "0-9"
    private static let word = "A-Za-z0-9_"
    private static let space = #"\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"#
    private static let lineTerminators = #"\n\r\x{2028}\x{2029}"#

    /// The ICU pattern that means what the ECMA-262 pattern `source` means.
    static func icuPattern(for source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var output = ""
        var index = 0
        var inClass = false

        func escapeSet(_ letter: Unicode.Scalar, inClass: Bool) -> String? {
            let (set, negated): (String, Bool)
            switch letter {
            case "d": (set, negated) = (digit, false)
            case "D": (set, negated) = (digit, true)
            case "w": (set, negated) = (word, false)
            case "W": (set, negated) = (word, true)
            case "s": (set, negated) = (space, false)
            case "S": (set, negated) = (space, true)
            default: return nil
            }
            // Inside a class a positive set is spliced in; a negated one becomes a nested ICU set, which
            // ICU unites with the rest of the class.
            if inClass, !negated { return set }
            return negated ? "[^\(set)]" : "[\(set)]"
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                let next = scalars[index + 1]
                if let set = escapeSet(next, inClass: inClass) {
                    output += set
                    index += 2
                    continue
                }
                if next == "u", index + 2 < scalars.count, scalars[index + 2] == "{" {
                    // `\u{1F600}` is ICU's `\x{1F600}`; the braces and hex digits are copied as they are.
                    output += "\\x"
                    index += 2
                    while index < scalars.count {
                        output.unicodeScalars.append(scalars[index])
                        index += 1
                        if scalars[index - 1] == "}" { break }
                    }
                    continue
                }
                output.unicodeScalars.append(scalar)
                output.unicodeScalars.append(next)
                index += 2
                continue
            }
            if inClass {
                switch scalar {
                case "]":
                    inClass = false
                    output += "]"
                case "[", "&":
                    output += "\\"
                    output.unicodeScalars.append(scalar)
                default:
                    output.unicodeScalars.append(scalar)
                }
                index += 1
                continue
            }
            switch scalar {
            case "[":
                // ECMA's `[]` matches nothing and `[^]` any character; ICU reads `]` there as a literal.
                if index + 1 < scalars.count, scalars[index + 1] == "]" {
                    output += "(?!)"
                    index += 2
                    continue
                }
                if index + 2 < scalars.count, scalars[index + 1] == "^", scalars[index + 2] == "]" {
                    output += "[\\s\\S]"
                    index += 3
                    continue
                }
                inClass = true
                output += "["
                if index + 1 < scalars.count, scalars[index + 1] == "^" {
                    output += "^"
                    index += 1
                }
            case ".":
                output += "[^\(lineTerminators)]"
            case "$":
                output += "\\z"
            case "{":
                output += startsQuantifier(scalars, at: index) ? "{" : "\\{"
            default:
                output.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return output
    }

    /// Whether the `{` at `index` begins `{n}`, `{n,}` or `{n,m}`.
    private static func startsQuantifier(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var position = index + 1
        var digits = 0
        while position < scalars.count, ("0"..."9").contains(scalars[position]) {
            digits += 1
            position += 1
        }
        guard digits > 0, position < scalars.count else { return false }
        if scalars[position] == "}" { return true }
        guard scalars[position] == "," else { return false }
        position += 1
        while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
        return position < scalars.count && scalars[position] == "}"
    }
}
