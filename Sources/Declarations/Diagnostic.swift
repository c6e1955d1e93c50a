/// One problem in the declarations, at a place in a file.
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    /// `message` is kept to one line (control characters escaped): it quotes text from the file, and a
    /// line break in it would break the `file:line:column: message` form that tools parse line by line.
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message.escapingControlCharacters
    }

    /// `file:line:column: message`, as compilers print it (editors and CI annotations read this form).
    public var description: String { "\(location): \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.location, lhs.message) < (rhs.location, rhs.message)
    }
}

/// Every problem found in the declarations; nothing may be planned or applied while there is one.
public struct DeclarationErrors: Error, Sendable, CustomStringConvertible {
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

extension String {
    /// Line breaks, tabs and other control characters (C0, DEL, C1, LS, PS) as `\n`, `\r`, `\t` or
    /// `\u{…}`; the rest unchanged.
    var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.isControl) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where Self.isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// At most `limit` characters, the rest replaced by `…`: a value quoted back in a message. Every value
    /// from a file that a diagnostic quotes goes through here, so that a 100 KB key makes no 100 KB line.
    func shortened(to limit: Int = 80) -> String {
        // Only the first `limit` characters are walked: counting all of a long value costs its length.
        guard let end = index(startIndex, offsetBy: limit, limitedBy: endIndex), end < endIndex else { return self }
        return String(self[..<end]) + "…"
    }
}
