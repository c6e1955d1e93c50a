/// Writes JSON text straight into bytes, for request bodies sent in bulk.
///
/// `JSONEncoder` took about 0.1 ms for one create request (most of it the schemas, a node at a time through
/// the `Encoder` containers): an apply's 50 models each encode their first create at once, which held the
/// first requests several milliseconds. This writes the same JSON — equal as JSON, not byte for byte: object
/// keys come sorted, and `/` is not escaped — in a few microseconds.
struct JSONWriter {
    /// A number JSON cannot carry (infinite or not a number); `JSONEncoder` refuses it too.
    struct NotEncodable: Error, CustomStringConvertible {
        let number: Double
        var description: String { "\(number) is not a JSON number" }
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// A JSON string: `"`, `\` and control characters escaped, everything else as UTF-8.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"key":`.
    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes += $0 }
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// A number as ``JSONValue`` encodes it: integral values inside Int64's exact range without a fraction.
    mutating func number(_ value: Double) throws(NotEncodable) {
        guard value.isFinite else { throw NotEncodable(number: value) }
        if value.rounded() == value, abs(value) < 9.007_199_254_740_992e15 {
            bytes += String(Int64(value)).utf8
        } else {
            bytes += value.description.utf8
        }
    }

    mutating func value(_ value: JSONValue) throws(NotEncodable) {
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
