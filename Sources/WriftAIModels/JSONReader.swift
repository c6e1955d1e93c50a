/// Reads JSON text (RFC 8259) straight from bytes, for the answers read often enough for `JSONDecoder` to
/// show: an apply decodes every created version's details, schemas included, and a plan every listing page.
///
/// Through `Decodable`, a schema is read one node at a time, each `JSONValue` trying kinds until one does not
/// throw: about 15 % of an apply's CPU, spent between answers. This reader takes a few microseconds.
///
/// It is a fast path, never the judge: it answers `nil` — "not sure" — for anything it does not read exactly
/// as `JSONDecoder` would (invalid JSON, a repeated key, a lone surrogate, a number out of range, nesting
/// deeper than ``maximumDepth``), and the caller then decodes with `JSONDecoder`, which gives the canonical
/// value or error. Whatever it does return equals what `JSONDecoder` returns (a differential test holds it
/// to that).
struct JSONReader {
    /// Deeper nesting is left to `JSONDecoder`, so that no document, however hostile, can exhaust the stack.
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Whether only whitespace is left.
    mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    /// Consumes `byte` (after whitespace) if it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `null` (after whitespace) if it comes next.
    mutating func consumeNull() -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "n") else { return false }
        return literal("null")
    }

    /// Reads the members of an object, calling `member` with each key once the reader stands before its
    /// value; `member` must read the value, answering `false` to give up. `nil` for anything but an object,
    /// or one that repeats a key (unless `checkingKeys` is off: the caller then checks).
    mutating func readObject(checkingKeys: Bool = true, _ member: (inout JSONReader, String) -> Bool) -> Void? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        if consume(UInt8(ascii: "}")) { return () }
        var keys: Set<String> = []
        repeat {
            guard let key = readString(), !checkingKeys || keys.insert(key).inserted, consume(UInt8(ascii: ":")),
                member(&self, key)
            else { return nil }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? () : nil
    }

    /// Reads the elements of an array, calling `element` with the reader before each; `element` must read
    /// it, answering `false` to give up.
    mutating func readArray(_ element: (inout JSONReader) -> Bool) -> Void? {
        guard consume(UInt8(ascii: "[")) else { return nil }
        if consume(UInt8(ascii: "]")) { return () }
        repeat {
            guard element(&self) else { return nil }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? () : nil
    }

    /// Reads an array whose every element `element` reads.
    mutating func readList<Element>(_ element: (inout JSONReader) -> Element?) -> [Element]? {
        var list: [Element] = []
        let read: Void? = readArray { reader in
            guard let item = element(&reader) else { return false }
            list.append(item)
            return true
        }
        return read.map { list }
    }

    /// Reads any value.
    mutating func readValue(depth: Int = 0) -> JSONValue? {
        skipWhitespace()
        guard let first = peek() else { return nil }
        switch first {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { return nil }
            var object: [String: JSONValue] = [:]
            let read: Void? = readObject(checkingKeys: false) { reader, key in
                guard let value = reader.readValue(depth: depth + 1) else { return false }
                return object.updateValue(value, forKey: key) == nil
            }
            return read.map { .object(object) }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { return nil }
            return readList { $0.readValue(depth: depth + 1) }.map(JSONValue.array)
        case UInt8(ascii: "\""):
            return readString().map(JSONValue.string)
        case UInt8(ascii: "t"):
            return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"):
            return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"):
            return literal("null") ? .null : nil
        default:
            return readNumber().map(JSONValue.number)
        }
    }

    /// Reads a Boolean.
    mutating func readBool() -> Bool? {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "t"): return literal("true") ? true : nil
        case UInt8(ascii: "f"): return literal("false") ? false : nil
        default: return nil
        }
    }

    /// Reads an integer written without fraction or exponent, of at most 18 digits (so that it fits an `Int`
    /// on any 64-bit platform; longer ones are left to `JSONDecoder`).
    mutating func readInt() -> Int? {
        skipWhitespace()
        let start = index
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var value = 0
        while let byte = peek(), byte &- UInt8(ascii: "0") < 10 {
            value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
            index += 1
        }
        let digits = index - digitsStart
        guard digits > 0, digits <= 18, !(digits > 1 && bytes[digitsStart] == UInt8(ascii: "0")),
            !(negative && value == 0), !continuesNumber()
        else {
            index = start
            return nil
        }
        return negative ? -value : value
    }

    /// Reads a number as a `Double`; `nil` for one too large to be finite.
    mutating func readNumber() -> Double? {
        skipWhitespace()
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard skipDigits() > 0 else { return nil }
        if index - integerStart > 1 && bytes[integerStart] == UInt8(ascii: "0") { return nil }
        var plain = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { return nil }
            plain = false
        }
        if let byte = peek(), byte | 0x20 == UInt8(ascii: "e") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { return nil }
            plain = false
        }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        // Up to 15 digits an integer is exact in a `Double`, and converting it needs no parsing.
        if plain && text.count <= 15 {
            var value = 0
            for byte in text where byte != UInt8(ascii: "-") {
                value = value * 10 + Int(byte &- UInt8(ascii: "0"))
            }
            if text[0] == UInt8(ascii: "-") {
                return value == 0 ? -0.0 : -Double(value)
            }
            return Double(value)
        }
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { return nil }
        // `JSONDecoder` refuses a number that underflows (`1e-400`); where its line lies among subnormals is
        // its business, so anything below the normal range but zero written as zero is left to it.
        if value.magnitude < Double.leastNormalMagnitude {
            let mantissa = text.prefix { $0 | 0x20 != UInt8(ascii: "e") }
            guard mantissa.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
            else { return nil }
        }
        return value
    }

    /// Reads a string; `nil` for invalid UTF-8, an unescaped control character, a bad escape or a lone
    /// surrogate.
    mutating func readString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return String(validating: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                return readEscapedString(from: start)
            }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// The slow half of ``readString()``, once an escape is seen.
    private mutating func readEscapedString(from start: Int) -> String? {
        var text = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = readUnicodeEscape() else { return nil }
                    text.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
            case 0..<0x20:
                return nil
            default:
                text.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (the `\u` read), joining a surrogate pair.
    private mutating func readUnicodeEscape() -> Unicode.Scalar? {
        guard let unit = readHex4() else { return nil }
        switch unit {
        case 0xD800..<0xDC00:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return nil }
            index += 2
            guard let low = readHex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00..<0xE000:
            return nil
        default:
            return Unicode.Scalar(unit)
        }
    }

    private mutating func readHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Consumes the characters a JSON number may hold (after whitespace), without reading it; `false` when
    /// there are none.
    mutating func skipNumberCharacters() -> Bool {
        skipWhitespace()
        let start = index
        while index < bytes.count, let byte = Optional(bytes[index]),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        {
            index += 1
        }
        return index > start
    }

    /// The next byte after whitespace, not consumed.
    mutating func peekAfterWhitespace() -> UInt8? {
        skipWhitespace()
        return peek()
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = peek(), byte &- UInt8(ascii: "0") < 10 { index += 1 }
        return index - start
    }

    /// Whether a number's text goes on past its integer part (a fraction, an exponent, more digits).
    private func continuesNumber() -> Bool {
        guard let byte = peek() else { return false }
        return byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e") || byte &- UInt8(ascii: "0") < 10
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { return false }
        index += count
        return true
    }
}
