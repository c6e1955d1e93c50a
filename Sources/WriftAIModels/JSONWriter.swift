/// Writes JSON text straight into bytes, for what is encoded often enough for `JSONEncoder` to show: request
/// bodies sent in bulk, and the shared pacing file rewritten on every request.
///
/// `JSONEncoder` took about 0.1 ms for one create request (most of it the schemas, a node at a time through
/// the `Encoder` containers): an apply's 50 models each encode their first create at once, which held the
/// first requests several milliseconds. This writes the same JSON — equal as JSON, not byte for byte: object
/// keys come sorted, and `/` is not escaped — in a few microseconds.
public struct JSONWriter: Sendable {
    /// A number JSON cannot carry (infinite or not a number); `JSONEncoder` refuses it too.
    public struct NotEncodable: Error, CustomStringConvertible {
        public let number: Double
        public var description: String { "\(number) is not a JSON number" }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// What has been written.
    public private(set) var bytes: [UInt8] = []
    /// For each object begun and not yet ended, innermost last: whether it has no member yet.
    private var openObjectIsEmpty: [Bool] = []

    /// An empty writer, with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// A JSON string: `"`, `\` and control characters escaped, everything else as UTF-8.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":`, without the comma before it: outside ``value(_:)``, members go through ``member(_:)``.
    private mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `{`: the members follow through `member(_:)`, which puts the commas between them, then `endObject()`.
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        openObjectIsEmpty.append(true)
    }

    /// The next member's `"name":` in the object begun last, after a comma unless it is the first.
    public mutating func member(_ name: String) {
        if openObjectIsEmpty[openObjectIsEmpty.count - 1] {
            openObjectIsEmpty[openObjectIsEmpty.count - 1] = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        key(name)
    }

    /// A member whose value is a string.
    public mutating func member(_ name: String, _ text: String) {
        member(name)
        string(text)
    }

    /// A member whose value is an integer.
    public mutating func member(_ name: String, _ value: Int) {
        member(name)
        integer(value)
    }

    /// A member whose value is a number (see ``number(_:)``).
    public mutating func member(_ name: String, number value: Double) throws(NotEncodable) {
        member(name)
        try number(value)
    }

    /// `}`, ending the object begun last.
    public mutating func endObject() {
        openObjectIsEmpty.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// `text` as it is: punctuation, `null`, a literal known to be JSON.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes += $0 }
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// An integer.
    public mutating func integer(_ value: Int) {
        bytes += String(value).utf8
    }

    /// A number as ``JSONValue`` encodes it: integral values inside Int64's exact range without a fraction,
    /// others as the shortest text that reads back as the same `Double` (`1.5`, `1e-05`).
    public mutating func number(_ value: Double) throws(NotEncodable) {
        guard value.isFinite else { throw NotEncodable(number: value) }
        if let integer = JSONValue.exactInteger(value) {
            bytes += String(integer).utf8
        } else {
            bytes += value.description.utf8
        }
    }

    /// Any JSON value; an object's keys sorted.
    public mutating func value(_ value: JSONValue) throws(NotEncodable) {
        switch value {
        case .null: raw("null")
        case .bool(let bool): self.bool(bool)
        case .number(let number): try self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                try self.value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, name) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                key(name)
                try self.value(members[name]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
