import Yams

/// The YAML 1.1 int, float and timestamp rules of Yams' `Resolver.default`, decided by hand over the bytes: the
/// same answers as its anchored regular expressions (a differential test holds them to it), without ICU.
///
/// Why: the first regular expression compiled set ICU's regex engine up (7.6 million instructions, the largest
/// part of the YAML parser's first use, on the way to a plan's first request), and each number-like scalar
/// then ran up to three expressions.
enum YAMLNumberSyntax {
    /// `.int`, `.float` or `.timestamp`, tried in `Resolver.default`'s order, or `.str` when none matches.
    /// `nil` for text whose last character ends a line: there an anchored `$` also matches before it, and the
    /// caller asks the resolver (a plain scalar never ends so).
    static func kind(_ text: String) -> Tag.Name? {
        if let last = text.unicodeScalars.last, lineTerminators.contains(last) { return nil }
        let bytes = Array(text.utf8)[...]
        if isInt(bytes) { return .int }
        if isFloat(bytes) { return .float }
        if isTimestamp(bytes) { return .timestamp }
        return .str
    }

    /// ICU's line terminators: an anchored `$` without the multi-line option also matches before one that ends
    /// the text.
    static let lineTerminators: Set<Unicode.Scalar> = ["\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{2028}", "\u{2029}"]

    // MARK: - The rules, one alternative at a time (each must match the whole text)

    /// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`
    static func isInt(_ text: ArraySlice<UInt8>) -> Bool {
        var cursor = Cursor(text)
        cursor.skipSign()
        let afterSign = cursor
        if cursor.take("0") {
            if cursor.atEnd { return true }
            var binary = cursor
            if binary.take("b"), binary.takeRun(where: { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }) >= 1, binary.atEnd { return true }
            var hex = cursor
            if hex.take("x"), hex.takeRun(where: { isHexDigit($0) || $0 == 0x5F }) >= 1, hex.atEnd { return true }
            var octal = cursor
            _ = octal.take("o")
            if octal.takeRun(where: { (0x30...0x37).contains($0) || $0 == 0x5F }) >= 1, octal.atEnd { return true }
            return false
        }
        cursor = afterSign
        guard let first = cursor.peek, (0x31...0x39).contains(first) else { return false }
        cursor.advance()
        cursor.takeRun(where: { isDigit($0) || $0 == 0x5F })
        if cursor.atEnd { return true }
        return cursor.takeSexagesimalGroups() && cursor.atEnd
    }

    /// `[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)? | \.[0-9_]+(?:[eE][-+][0-9]+)? |
    /// [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`
    static func isFloat(_ text: ArraySlice<UInt8>) -> Bool {
        let start = Cursor(text)
        // Leading digits, with a fraction and an exponent, or base 60 with a fraction.
        var cursor = start
        cursor.skipSign()
        if let first = cursor.peek, isDigit(first) {
            cursor.advance()
            cursor.takeRun(where: { isDigit($0) || $0 == 0x5F })
            let digitsEnd = cursor
            if cursor.take(".") { cursor.takeRun(where: { isDigit($0) || $0 == 0x5F }) }
            _ = cursor.takeExponent(signRequired: false)
            if cursor.atEnd { return true }
            var base60 = digitsEnd
            if base60.takeSexagesimalGroups(), base60.take(".") {
                base60.takeRun(where: { isDigit($0) || $0 == 0x5F })
                if base60.atEnd { return true }
            }
        }
        // A leading point: digits (no sign), or infinity (signed) and not-a-number (unsigned).
        var point = start
        if point.take(".") {
            if point.takeRun(where: { isDigit($0) || $0 == 0x5F }) >= 1 {
                if point.atEnd { return true }
                return point.takeExponent(signRequired: true) && point.atEnd
            }
            if point.takeWord(["nan", "NaN", "NAN"]), point.atEnd { return true }
        }
        var infinity = start
        infinity.skipSign()
        return infinity.take(".") && infinity.takeWord(["inf", "Inf", "INF"]) && infinity.atEnd
    }

    /// `[0-9]{4}-[0-9]{2}-[0-9]{2} | [0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}
    /// (?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?`
    static func isTimestamp(_ text: ArraySlice<UInt8>) -> Bool {
        var cursor = Cursor(text)
        guard cursor.takeDigits(exactly: 4), cursor.take("-") else { return false }
        let month = cursor.takeRun(where: isDigit, upTo: 2)
        guard month >= 1, cursor.take("-") else { return false }
        let day = cursor.takeRun(where: isDigit, upTo: 2)
        guard day >= 1 else { return false }
        if cursor.atEnd { return month == 2 && day == 2 }
        // The time, after a `T` or blanks.
        if !cursor.take("T") && !cursor.take("t") {
            guard cursor.takeRun(where: isBlank) >= 1 else { return false }
        }
        guard cursor.takeRun(where: isDigit, upTo: 2) >= 1, cursor.take(":"), cursor.takeDigits(exactly: 2),
              cursor.take(":"), cursor.takeDigits(exactly: 2) else { return false }
        if cursor.take(".") { cursor.takeRun(where: isDigit) }
        if cursor.atEnd { return true }
        cursor.takeRun(where: isBlank)
        if cursor.take("Z") { return cursor.atEnd }
        guard let sign = cursor.peek, sign == 0x2B || sign == 0x2D else { return false }
        cursor.advance()
        guard cursor.takeRun(where: isDigit, upTo: 2) >= 1 else { return false }
        if cursor.atEnd { return true }
        return cursor.take(":") && cursor.takeDigits(exactly: 2) && cursor.atEnd
    }

    // MARK: - Bytes

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// A position in the text; copies of it try alternatives.
    struct Cursor {
        let text: ArraySlice<UInt8>
        var index: Int

        init(_ text: ArraySlice<UInt8>) {
            self.text = text
            index = text.startIndex
        }

        var atEnd: Bool { index == text.endIndex }
        var peek: UInt8? { atEnd ? nil : text[index] }
        mutating func advance() { index += 1 }

        /// Takes `character` if it is next.
        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: character) else { return false }
            advance()
            return true
        }

        mutating func skipSign() {
            if peek == 0x2B || peek == 0x2D { advance() }
        }

        /// Takes as many bytes satisfying `predicate` as there are (at most `limit`); how many.
        @discardableResult
        mutating func takeRun(where predicate: (UInt8) -> Bool, upTo limit: Int = .max) -> Int {
            var count = 0
            while count < limit, let byte = peek, predicate(byte) {
                advance()
                count += 1
            }
            return count
        }

        mutating func takeDigits(exactly count: Int) -> Bool {
            takeRun(where: YAMLNumberSyntax.isDigit, upTo: count) == count
        }

        /// One of `words`, spelled exactly.
        mutating func takeWord(_ words: [String]) -> Bool {
            for word in words {
                let bytes = Array(word.utf8)
                if text[index...].starts(with: bytes) {
                    index += bytes.count
                    return true
                }
            }
            return false
        }

        /// `[eE][-+]?[0-9]+` (the sign required with `signRequired`), taken whole or not at all.
        mutating func takeExponent(signRequired: Bool) -> Bool {
            var copy = self
            guard copy.take("e") || copy.take("E") else { return false }
            if copy.peek == 0x2B || copy.peek == 0x2D {
                copy.advance()
            } else if signRequired {
                return false
            }
            guard copy.takeRun(where: YAMLNumberSyntax.isDigit) >= 1 else { return false }
            self = copy
            return true
        }

        /// `(?::[0-5]?[0-9])+`: one or more groups. Greedy is exact here: a group is followed by a colon, a
        /// point or the end, never by a digit, so taking two digits where two follow loses no match.
        mutating func takeSexagesimalGroups() -> Bool {
            var groups = 0
            while peek == 0x3A {
                var copy = self
                copy.advance()
                guard let first = copy.peek, YAMLNumberSyntax.isDigit(first) else { break }
                copy.advance()
                if (0x30...0x35).contains(first), let second = copy.peek, YAMLNumberSyntax.isDigit(second) { copy.advance() }
                self = copy
                groups += 1
            }
            return groups >= 1
        }
    }
}
