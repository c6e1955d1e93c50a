import WriftAIModels

/// Collects every problem in a request, in the style of the real API's 422 answers, instead of
/// stopping at the first.
struct Validator {
    private(set) var issues: [ValidationIssue] = []

    mutating func add(_ loc: [LocationComponent], _ msg: String, _ type: String) {
        issues.append(ValidationIssue(loc: loc, msg: msg, type: type))
    }

    mutating func missing(_ loc: [LocationComponent]) {
        add(loc, "Field required", "missing")
    }

    /// The object `value`, or `nil` after recording why it is not one.
    mutating func object(_ value: JSONValue?, at loc: [LocationComponent], required: Bool) -> [String: JSONValue]? {
        guard let value, !(value.isNull && !required) else {
            if required { missing(loc) }
            return nil
        }
        guard let object = value.objectValue else {
            add(loc, "Input should be a valid dictionary", "dict_type")
            return nil
        }
        return object
    }

    /// The string `value`, or `nil` after recording why it is not one.
    mutating func string(_ value: JSONValue?, at loc: [LocationComponent], required: Bool) -> String? {
        guard let value, !(value.isNull && !required) else {
            if required { missing(loc) }
            return nil
        }
        guard let string = value.stringValue else {
            add(loc, "Input should be a valid string", "string_type")
            return nil
        }
        return string
    }

    /// The Boolean `value`, or `nil` after recording why it is not one.
    mutating func bool(_ value: JSONValue?, at loc: [LocationComponent]) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let bool = value.boolValue else {
            add(loc, "Input should be a valid boolean", "bool_type")
            return nil
        }
        return bool
    }

    /// The list of strings `value`, or `nil` after recording every element that is not a string.
    mutating func strings(_ value: JSONValue?, at loc: [LocationComponent], required: Bool) -> [String]? {
        guard let value, !(value.isNull && !required) else {
            if required { missing(loc) }
            return nil
        }
        guard let array = value.arrayValue else {
            add(loc, "Input should be a valid list", "list_type")
            return nil
        }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            if let string = element.stringValue {
                strings.append(string)
            } else {
                add(loc + [.index(index)], "Input should be a valid string", "string_type")
            }
        }
        return strings.count == array.count ? strings : nil
    }

    /// Parses a JSON request body, or throws the 422 answer if it is not a JSON object: none of its
    /// fields can be checked then.
    static func requireObjectBody(_ bytes: [UInt8]) throws -> [String: JSONValue] {
        var validator = Validator()
        if bytes.isEmpty {
            validator.missing(["body"])
        } else if let value = JSONBody.decode(bytes) {
            if let object = value.objectValue { return object }
            validator.add(
                ["body"],
                "Input should be a valid dictionary or object to extract fields from",
                "model_attributes_type"
            )
        } else {
            validator.add(["body"], "JSON decode error", "json_invalid")
        }
        throw APIError.validation(validator.issues)
    }

    /// Throws the 422 answer if anything was recorded.
    func check() throws {
        if !issues.isEmpty { throw APIError.validation(issues) }
    }
}
