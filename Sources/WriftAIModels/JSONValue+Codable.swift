extension JSONValue: Codable {
    /// Decodes any JSON value.
    ///
    /// Kinds are tried most common first in schemas — objects, then strings — since each kind tried and
    /// missed costs a thrown error: tried last, an object took four (most of decoding a create's answer).
    /// JSON's kinds never overlap, so the order changes no result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let object = try? container.decode([String: JSONValue].self) {
            self = .object(object)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value")
        }
    }

    /// Encodes the value; integral numbers are written without a fraction (`1`, not `1.0`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null:
            try container.encodeNil()
        case .bool(let bool):
            try container.encode(bool)
        case .number(let number):
            if let integer = JSONValue.exactInteger(number) {
                try container.encode(integer)
            } else {
                try container.encode(number)
            }
        case .string(let string):
            try container.encode(string)
        case .array(let array):
            try container.encode(array)
        case .object(let object):
            try container.encode(object)
        }
    }
}

extension JSONValue {
    /// `number` as an integer when it has no fraction and lies inside the range where a `Double` holds every
    /// integer exactly (±2⁵³); JSON text writes those without a fraction, so that schemas keep their original
    /// look (`1`, not `1.0`). `nil` for anything else, infinities and NaN included.
    public static func exactInteger(_ number: Double) -> Int64? {
        number.rounded() == number && abs(number) < 9.007_199_254_740_992e15 ? Int64(number) : nil
    }
}
