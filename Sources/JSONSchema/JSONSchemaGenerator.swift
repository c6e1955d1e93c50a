import WriftAIModels

/// Produces values that satisfy a JSON Schema (for the emulator's prediction outputs), and values that
/// violate it (for its bad-output fault).
///
/// Generation is constructive: the conjunction of a subschema with its `$ref` and `allOf` targets is
/// gathered, one branch of each `anyOf`, `oneOf` and `if` is chosen, and a value of an admitted type is
/// built to the gathered bounds (numbers to their range and `multipleOf`, strings to their lengths and
/// `pattern`, arrays and objects member by member). Every candidate is validated before it is returned,
/// so a generated value always satisfies the schema; a schema no attempt could satisfy (contradictory
/// bounds, a pattern with lookarounds, …) throws ``GenerationError``. The same seed gives the same value.
public struct JSONSchemaGenerator: Sendable {
    /// The compiled schema values are generated for.
    public let validator: JSONSchemaValidator
    /// How many differently seeded attempts ``value(seed:)`` makes before giving up.
    public var maxAttempts = 24

    /// A generator for the schema `validator` holds.
    public init(_ validator: JSONSchemaValidator) {
        self.validator = validator
    }

    /// A generator for `schema`.
    ///
    /// - Throws: ``SchemaError`` when the schema cannot be compiled.
    public init(schema: JSONValue) throws(SchemaError) {
        self.validator = try JSONSchemaValidator(schema)
    }

    /// A value that satisfies the schema; the same `seed` gives the same value.
    ///
    /// - Throws: ``GenerationError`` when no attempt produced a valid value.
    public func value(seed: UInt64 = 0) throws(GenerationError) -> JSONValue {
        var reason: String?
        for attempt in 0..<max(1, maxAttempts) {
            var builder = ValueBuilder(schema: validator.compiled, limits: validator.limits, seed: seed &+ UInt64(attempt) &* 0x9E37_79B9)
            if let value = builder.build([validator.compiled.root], depth: 0), validator.isValid(value) {
                return value
            }
            reason = reason ?? builder.reason
        }
        throw GenerationError(
            "no value satisfying the schema was found in \(maxAttempts) attempts"
                + (reason.map { "; \($0)" } ?? " (are its constraints contradictory?)"))
    }

    /// A value that violates the schema, as close to a valid one as possible (a valid value with one
    /// member of the wrong type, a required property removed, …), or `nil` when the schema accepts every
    /// value.
    public func violatingValue(seed: UInt64 = 0) -> JSONValue? {
        var candidates: [JSONValue] = []
        if let valid = try? value(seed: seed) {
            candidates += Self.mutations(of: valid)
        }
        candidates += [.null, .bool(true), .number(0), .number(0.5), .number(-1), .string(""), .string("x"), .array([]), .object([:]),
                       .array([.null]), .object(["unexpected": .null])]
        return candidates.first { !validator.isValid($0) }
    }

    /// Values one step away from `value`: its members and items replaced by values of other types,
    /// removed, or joined by an unexpected one; then the whole value of another type.
    static func mutations(of value: JSONValue) -> [JSONValue] {
        let others: [JSONValue] = [.string("not the expected value"), .number(-1.5), .null, .bool(false), .array([]), .object([:])]
        var result: [JSONValue] = []
        switch value {
        case .object(let members):
            for name in members.keys.sorted() {
                for replacement in others {
                    var changed = members
                    changed[name] = replacement
                    result.append(.object(changed))
                }
            }
            for name in members.keys.sorted() {
                var changed = members
                changed[name] = nil
                result.append(.object(changed))
            }
            var extended = members
            extended["unexpected_property"] = .string("unexpected")
            result.append(.object(extended))
        case .array(let items):
            for position in items.indices {
                for replacement in others {
                    var changed = items
                    changed[position] = replacement
                    result.append(.array(changed))
                }
            }
            if !items.isEmpty { result.append(.array(Array(items.dropLast()))) }
            result.append(.array(items + (items.last.map { [$0] } ?? [.null])))
        case .number(let number):
            result += [.number(number + 0.5), .number(number + 1e9), .number(number - 1e9)]
        case .string(let string):
            result += [.string(""), .string(string + "!"), .string(String(repeating: string.isEmpty ? "x" : string, count: 64))]
        case .bool, .null:
            break
        }
        return result + others
    }
}
