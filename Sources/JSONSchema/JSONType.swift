import WriftAIModels

/// The seven types of JSON Schema's `type` keyword, as a set.
struct JSONTypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let null = JSONTypeSet(rawValue: 1 << 0)
    static let boolean = JSONTypeSet(rawValue: 1 << 1)
    static let object = JSONTypeSet(rawValue: 1 << 2)
    static let array = JSONTypeSet(rawValue: 1 << 3)
    static let number = JSONTypeSet(rawValue: 1 << 4)
    static let string = JSONTypeSet(rawValue: 1 << 5)
    /// A number without a fractional part; `number` includes it.
    static let integer = JSONTypeSet(rawValue: 1 << 6)

    /// The types by their names in schemas, in the order messages list them.
    static let named: [(name: String, type: JSONTypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array),
        ("number", .number), ("integer", .integer), ("string", .string),
    ]

    /// The type of `value`; a whole number is both `number` and `integer`.
    static func of(_ value: JSONValue) -> JSONTypeSet {
        switch value {
        case .null: .null
        case .bool: .boolean
        case .object: .object
        case .array: .array
        case .string: .string
        case .number(let number): JSONNumber.isInteger(number) ? [.number, .integer] : .number
        }
    }

    /// Whether `value` is of one of these types.
    func admits(_ value: JSONValue) -> Bool {
        !intersection(Self.of(value)).isEmpty
    }

    /// `a string`, `an integer or null`, … for messages.
    var description: String {
        let names = Self.named.filter { contains($0.type) }.map { name, _ in
            switch name {
            case "null": "null"
            case "integer", "object", "array": "an \(name)"
            default: "a \(name)"
            }
        }
        switch names.count {
        case 0: return "nothing"
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
        }
    }
}
