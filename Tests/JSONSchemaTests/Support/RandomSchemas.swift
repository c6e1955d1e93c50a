import JSONSchema
import WriftAIModels
import WriftSyncTesting

/// Random JSON Schemas and values for the differential test, drawn from the part of draft 2020-12 where
/// WriftSync's validator and Python's `jsonschema` are meant to agree exactly:
/// - numbers whose quotients are exact in binary (`multipleOf` of 0.5, 0.25, 1.5, 2.5 or integers), since
///   Python divides doubles where WriftSync divides the decimal numbers (0.3 is a multiple of 0.1 only
///   to WriftSync; docs/release-gate.md);
/// - patterns of the subset that ICU and Python's `re` read alike, on strings without line breaks;
/// - no `$ref` loop that stays on the same value (WriftSync refuses the schema, Python recurses forever);
/// - no booleans inside nested arrays under `uniqueItems` (Python's sorted fast path then misses
///   duplicates such as `[[0], [false], [0]]`).
struct RandomSchemas {
    var random: SplitMix64

    static let patterns = [
        "^[a-c]+$", "^a", "b$", "[0-9]", "^(ab|cd)*$", "^.{2,3}$", "x?y", "^\\d{2}$", "^[^a]*$", "a|b",
        "^[a-z]{1,3}[0-9]?$", "^$", "c{2}", "^(a|b)+c?$", "^[A-Za-z_][A-Za-z0-9_]*$",
    ]
    static let names = ["a", "b", "c", "d", "v", "next", "x1"]
    static let divisors: [Double] = [1, 2, 3, 5, 0.5, 0.25, 1.5, 2.5]
    static let numbers: [Double] = [0, 1, -1, 2, 2.5, 3, 7.5, 10, 100, -0.5, 0.25, 4, 1.5, 12, 99.5]
    static let strings = ["", "a", "ab", "abc", "b", "aa", "12", "x", "xy", "cd", "abcd", "ö", "日本", "A_1", "ccc", "ba"]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    // MARK: Schemas

    /// A whole schema: maybe with `$defs` (one leaf, one recursive through a property) referred to below.
    mutating func document() -> JSONValue {
        let useDefinitions = random.chance(0.3)
        var root = schema(depth: 0, definitions: useDefinitions)
        if useDefinitions, case .object(var members) = root {
            members["$defs"] = [
                "leaf": leaf(),
                "node": [
                    "type": "object",
                    "properties": ["v": leaf(), "next": ["$ref": "#/$defs/node"]],
                ],
            ]
            root = .object(members)
        }
        return root
    }

    mutating func schema(depth: Int, definitions: Bool) -> JSONValue {
        if random.chance(0.06) { return .bool(random.chance(0.7)) }
        if depth >= 3 || random.chance(0.3) { return leaf() }
        var members: [String: JSONValue] = [:]
        switch random.below(9) {
        case 0, 1:
            members = objectKeywords(depth: depth, definitions: definitions)
        case 2, 3:
            members = arrayKeywords(depth: depth, definitions: definitions)
        case 4:
            let key = random.pick(["allOf", "anyOf", "oneOf"])
            members[key] = .array((0..<(1 + random.below(3))).map { _ in schema(depth: depth + 1, definitions: definitions) })
        case 5:
            members["not"] = schema(depth: depth + 1, definitions: definitions)
        case 6:
            members["if"] = schema(depth: depth + 1, definitions: definitions)
            if random.chance(0.8) { members["then"] = schema(depth: depth + 1, definitions: definitions) }
            if random.chance(0.6) { members["else"] = schema(depth: depth + 1, definitions: definitions) }
        case 7 where definitions:
            members["$ref"] = .string(random.pick(["#/$defs/leaf", "#/$defs/node"]))
            if random.chance(0.3) { members.merge(leafKeywords(), uniquingKeysWith: { first, _ in first }) }
        default:
            members = leafKeywords()
            members["type"] = types()
        }
        return .object(members)
    }

    mutating func types() -> JSONValue {
        let names = ["null", "boolean", "object", "array", "number", "integer", "string"]
        if random.chance(0.7) { return .string(random.pick(names)) }
        return .array(Array(Set((0..<(1 + random.below(3))).map { _ in random.pick(names) })).sorted().map(JSONValue.string))
    }

    mutating func leaf() -> JSONValue {
        .object(leafKeywords())
    }

    /// Keywords on one value: type, enum, const, number and string bounds.
    mutating func leafKeywords() -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        switch random.below(7) {
        case 0:
            members["type"] = types()
        case 1:
            members["enum"] = .array((0..<(1 + random.below(4))).map { _ in simpleValue() })
        case 2:
            members["const"] = random.chance(0.5) ? simpleValue() : value(depth: 1)
        case 3, 4:
            if random.chance(0.6) { members["type"] = .string(random.pick(["number", "integer"])) }
            for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] where random.chance(0.35) {
                members[key] = .number(key == "multipleOf" ? random.pick(Self.divisors) : random.pick(Self.numbers))
            }
        default:
            if random.chance(0.6) { members["type"] = "string" }
            if random.chance(0.4) { members["minLength"] = .number(Double(random.below(4))) }
            if random.chance(0.4) { members["maxLength"] = .number(Double(random.below(5))) }
            if random.chance(0.5) { members["pattern"] = .string(random.pick(Self.patterns)) }
        }
        return members
    }

    mutating func objectKeywords(depth: Int, definitions: Bool) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if random.chance(0.6) { members["type"] = "object" }
        if random.chance(0.7) {
            var properties: [String: JSONValue] = [:]
            for name in Self.names where random.chance(0.35) { properties[name] = schema(depth: depth + 1, definitions: definitions) }
            members["properties"] = .object(properties)
        }
        if random.chance(0.2) { members["patternProperties"] = ["^x": schema(depth: depth + 1, definitions: definitions)] }
        if random.chance(0.35) {
            members["additionalProperties"] = random.chance(0.6) ? .bool(random.chance(0.4)) : schema(depth: depth + 1, definitions: definitions)
        }
        if random.chance(0.5) { members["required"] = .array(Array(Set((0..<random.below(3)).map { _ in random.pick(Self.names) })).sorted().map(JSONValue.string)) }
        if random.chance(0.15) { members["minProperties"] = .number(Double(random.below(3))) }
        if random.chance(0.15) { members["maxProperties"] = .number(Double(random.below(4))) }
        if random.chance(0.1) { members["propertyNames"] = ["maxLength": .number(Double(1 + random.below(2)))] }
        if random.chance(0.1) { members["dependentRequired"] = [random.pick(Self.names): .array([.string(random.pick(Self.names))])] }
        if random.chance(0.1) { members["dependentSchemas"] = [random.pick(Self.names): schema(depth: depth + 1, definitions: definitions)] }
        return members
    }

    mutating func arrayKeywords(depth: Int, definitions: Bool) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if random.chance(0.6) { members["type"] = "array" }
        if random.chance(0.3) {
            members["prefixItems"] = .array((0..<(1 + random.below(2))).map { _ in schema(depth: depth + 1, definitions: definitions) })
        }
        if random.chance(0.6) { members["items"] = random.chance(0.15) ? .bool(false) : schema(depth: depth + 1, definitions: definitions) }
        if random.chance(0.25) {
            members["contains"] = schema(depth: depth + 1, definitions: definitions)
            if random.chance(0.4) { members["minContains"] = .number(Double(random.below(3))) }
            if random.chance(0.3) { members["maxContains"] = .number(Double(random.below(3))) }
        }
        if random.chance(0.25) { members["minItems"] = .number(Double(random.below(3))) }
        if random.chance(0.25) { members["maxItems"] = .number(Double(random.below(4))) }
        if random.chance(0.3) { members["uniqueItems"] = .bool(random.chance(0.8)) }
        return members
    }

    // MARK: Values

    mutating func simpleValue() -> JSONValue {
        switch random.below(4) {
        case 0: return random.chance(0.5) ? .null : .bool(random.chance(0.5))
        case 1, 2: return .number(random.pick(Self.numbers))
        default: return .string(random.pick(Self.strings))
        }
    }

    /// A random value; `nested` arrays hold no booleans (see the type's note on Python's uniqueness).
    mutating func value(depth: Int, nested: Bool = false) -> JSONValue {
        if depth >= 3 { return nested ? .number(random.pick(Self.numbers)) : simpleValue() }
        switch random.below(6) {
        case 0:
            return .array((0..<random.below(4)).map { _ in value(depth: depth + 1, nested: true) })
        case 1:
            var members: [String: JSONValue] = [:]
            for _ in 0..<random.below(4) { members[random.pick(Self.names)] = value(depth: depth + 1) }
            return .object(members)
        default:
            if nested, random.chance(0.5) { return .number(random.pick(Self.numbers)) }
            let simple = simpleValue()
            if nested, case .bool = simple { return .string(random.pick(Self.strings)) }
            return simple
        }
    }
}
