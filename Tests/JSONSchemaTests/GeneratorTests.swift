import Testing
import WriftAIModels
@testable import JSONSchema

/// The generator makes values that satisfy their schema (checked by validating them here, and by Python
/// in the differential test), values that violate it, and says why when it cannot.
@Suite("Generation")
struct GeneratorTests {
    @Test("every realistic prediction schema gets valid values, for many seeds", arguments: PredictionSchemaFixtures.all.map(\.name))
    func realistic(_ name: String) throws {
        let schema = try #require(PredictionSchemaFixtures.all.first { $0.name == name }?.schema)
        let validator = try JSONSchemaValidator(schema)
        let generator = JSONSchemaGenerator(validator)
        var distinct = Set<JSONValue>()
        for seed in 0..<50 as Range<UInt64> {
            let value = try generator.value(seed: seed)
            #expect(validator.validate(value).isEmpty, "seed \(seed): \(value.quoted(limit: 200))")
            distinct.insert(value)
        }
        // The same seed gives the same value.
        #expect(try generator.value(seed: 7) == generator.value(seed: 7))
        if name != "true" { #expect(distinct.count > 1, "50 seeds gave one value") }
    }

    @Test("violating values violate, as close to valid as possible", arguments: PredictionSchemaFixtures.all.map(\.name).filter { $0 != "true" })
    func violations(_ name: String) throws {
        let schema = try #require(PredictionSchemaFixtures.all.first { $0.name == name }?.schema)
        let generator = try JSONSchemaGenerator(schema: schema)
        let bad = try #require(generator.violatingValue(seed: 1))
        #expect(!generator.validator.isValid(bad))
    }

    @Test("a schema that accepts everything has no violating value")
    func acceptsEverything() throws {
        #expect(try JSONSchemaGenerator(schema: true).violatingValue() == nil)
        #expect(try JSONSchemaGenerator(schema: [:]).violatingValue() == nil)
    }

    @Test("a bad output of an object schema breaks one member, so the violation has a path")
    func deepViolation() throws {
        let generator = try JSONSchemaGenerator(schema: ["type": "object", "required": ["score"], "properties": ["score": ["type": "number"]]])
        let bad = try #require(generator.violatingValue())
        let violation = try #require(generator.validator.validate(bad).first)
        #expect(violation.instancePath.text == "/score")
    }

    struct Unsatisfiable: Sendable, CustomTestStringConvertible {
        let name: String
        let schema: JSONValue
        let reason: String
        var testDescription: String { name }
    }

    static let unsatisfiable: [Unsatisfiable] = [
        Unsatisfiable(name: "false", schema: false, reason: "(root): no value satisfies a false schema"),
        Unsatisfiable(name: "bounds", schema: ["type": "integer", "minimum": 5, "maximum": 1], reason: "the lower bound 5 is above the upper bound 1"),
        Unsatisfiable(name: "lengths", schema: ["type": "string", "minLength": 5, "maxLength": 2], reason: "the minimum length 5 is above the maximum length 2"),
        Unsatisfiable(name: "types", schema: ["allOf": [["type": "string"], ["type": "number"]]], reason: "the schema's types exclude each other"),
        Unsatisfiable(name: "lookaround", schema: ["type": "string", "pattern": "^(?=a)b$"],
                      reason: "the pattern ^(?=a)b$ uses constructs the generator cannot build strings for"),
    ]

    @Test("an unsatisfiable schema throws, saying why", arguments: unsatisfiable)
    func unsatisfiableSchemas(_ item: Unsatisfiable) throws {
        let generator = try JSONSchemaGenerator(schema: item.schema)
        do {
            let value = try generator.value()
            Issue.record("generated \(value.quoted())")
        } catch {
            #expect(error.message == "no value satisfying the schema was found in 24 attempts; \(item.reason)")
        }
    }

    @Test("strings follow patterns with lengths, numbers multipleOf with bounds")
    func constrained() throws {
        let generator = try JSONSchemaGenerator(schema: [
            "type": "object", "required": ["code", "price", "count"], "additionalProperties": false,
            "properties": [
                "code": ["type": "string", "pattern": "^[A-Z]{2}-[0-9]+$", "minLength": 8],
                "price": ["type": "number", "multipleOf": 0.05, "exclusiveMinimum": 10, "maximum": 10.2],
                "count": ["type": "integer", "multipleOf": 0.5, "minimum": 3],
            ],
        ])
        for seed in 0..<30 as Range<UInt64> {
            let value = try generator.value(seed: seed)
            #expect(generator.validator.isValid(value))
            #expect(value["price"].flatMap(\.numberValue).map { [10.05, 10.1, 10.15, 10.2].contains($0) } == true, "\(value.quoted())")
        }
    }
}
