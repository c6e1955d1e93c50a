/// A JSON value, used for the free-form parts of the API such as prediction schemas.
///
/// Equality and hashing are semantic: the order of an object's keys does not matter, and
/// numbers compare by value, so `1` equals `1.0`.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number. JSON does not distinguish integers from decimals, so neither does this type.
    case number(Double)
    /// A string.
    case string(String)
    /// An ordered array of values.
    case array([JSONValue])
    /// An object; its key order carries no meaning.
    case object([String: JSONValue])
}

extension JSONValue {
    /// The dictionary if this value is an object, otherwise `nil`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The array if this value is an array, otherwise `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let array) = self { return array }
        return nil
    }

    /// The string if this value is a string, otherwise `nil`.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The Boolean if this value is `true` or `false`, otherwise `nil`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// The number if this value is a number, otherwise `nil`.
    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// Whether this value is JSON `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key` if this value is an object that has it, otherwise `nil`.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}
