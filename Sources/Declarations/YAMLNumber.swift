import Yams

/// The value of a scalar that ``NodeReader/kind(_:)`` types as an int or a float, computed here with
/// overflow checks rather than by Yams' constructors.
///
/// Why: Yams multiplies base-60 ("sexagesimal") numbers without overflow checks, so a plain scalar such as
/// `1:0:0:0:0:0:0:0:0:0:0` trapped and crashed the process; nothing in a declaration may reach them.
/// The rules are YAML 1.1's, as Yams' default resolver types scalars: `0b`, `0o`/`0` and `0x` prefixes,
/// `_` between digits, base 60 (`1:30` is 90), `.inf` and `.nan`.
enum YAMLNumber: Equatable {
    /// A whole number (an int scalar, or a float scalar written as one).
    case whole(Int)
    /// A finite decimal.
    case decimal(Double)
    /// `.inf`, `-.inf` or `.nan`: no JSON number.
    case notFinite
    /// Written as a number, but too large for a 64-bit integer (an int) or a double (a float).
    case outOfRange
    /// Tagged `!!int` or `!!float` but not written as one.
    case malformed

    /// The number `text` holds, read as `kind` (`.int` or `.float`).
    init(_ text: String, kind: Tag.Name) {
        let bytes = Array(text.utf8)[...]
        if YAMLNumberSyntax.isInt(bytes) {
            self = Self.integer(bytes)
        } else if kind == .float, YAMLNumberSyntax.isFloat(bytes) {
            self = Self.float(bytes)
        } else {
            self = .malformed
        }
    }

    /// An int scalar's value; `text` matches `YAMLNumberSyntax.isInt`.
    private static func integer(_ text: ArraySlice<UInt8>) -> YAMLNumber {
        var digits = text.filter { $0 != UInt8(ascii: "_") }[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        var radix: UInt64 = 10
        let prefixes: [(String, UInt64)] = [("0b", 2), ("0x", 16), ("0o", 8)]
        if let (_, base) = prefixes.first(where: { digits.starts(with: $0.0.utf8) }) {
            radix = base
            digits = digits.dropFirst(2)
        } else if digits.first == UInt8(ascii: "0"), digits.count > 1 {
            radix = 8
            digits = digits.dropFirst()
        }
        // The magnitude, each base-60 group one digit of it (the syntax allows `:` only in base 10).
        var magnitude: UInt64 = 0
        for group in digits.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
            guard !group.isEmpty else { return .malformed }
            var groupValue: UInt64 = 0
            for byte in group {
                guard let digit = digitValue(byte), digit < radix else { return .malformed }
                guard let next = multiplyAdd(groupValue, radix, digit) else { return .outOfRange }
                groupValue = next
            }
            guard let next = multiplyAdd(magnitude, 60, groupValue) else { return .outOfRange }
            magnitude = next
        }
        if negative {
            if magnitude == UInt64(Int.max) + 1 { return .whole(.min) }
            return Int(exactly: magnitude).map { .whole(-$0) } ?? .outOfRange
        }
        return Int(exactly: magnitude).map(YAMLNumber.whole) ?? .outOfRange
    }

    /// A float scalar's value; `text` matches `YAMLNumberSyntax.isFloat`.
    private static func float(_ text: ArraySlice<UInt8>) -> YAMLNumber {
        let digits = String(decoding: text.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        switch digits.lowercased() {
        case ".inf", "+.inf", "-.inf", ".nan": return .notFinite
        default: break
        }
        var value: Double = 0
        var unsigned = Substring(digits)
        let negative = unsigned.first == "-"
        if negative || unsigned.first == "+" { unsigned = unsigned.dropFirst() }
        // Base 60 (`1:30.5`): every group but the last is whole, and one digit of the number.
        for group in unsigned.split(separator: ":", omittingEmptySubsequences: false) {
            guard let groupValue = Double(group) else { return .malformed }
            value = value * 60 + groupValue
        }
        guard value.isFinite else { return .outOfRange }
        return .decimal(negative ? -value : value)
    }

    /// The value of a digit in any base up to 16.
    private static func digitValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// `value * factor + addend`, or nil on overflow.
    private static func multiplyAdd(_ value: UInt64, _ factor: UInt64, _ addend: UInt64) -> UInt64? {
        let (product, productOverflow) = value.multipliedReportingOverflow(by: factor)
        let (sum, sumOverflow) = product.addingReportingOverflow(addend)
        return productOverflow || sumOverflow ? nil : sum
    }
}
