import Foundation
import Testing
import WriftAIModels
@testable import JSONSchema

/// Schemas that cannot be used are refused when compiled, naming the place and the reason.
@Suite("Schema errors and bounds")
struct SchemaErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let schema: String
        let kind: SchemaError.Kind
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "not a schema", schema: #"{"properties": {"a": 3}}"#, kind: .malformed,
             expected: "/properties/a: a schema must be an object or a boolean, found the number 3"),
        Case(name: "bad number", schema: #"{"minimum": "3"}"#, kind: .malformed, expected: #"/minimum: must be a number, found the string "3""#),
        Case(name: "bad count", schema: #"{"minLength": -1}"#, kind: .malformed, expected: "/minLength: must be a whole number of 0 or more, found the number -1"),
        Case(name: "zero multipleOf", schema: #"{"multipleOf": 0}"#, kind: .malformed, expected: "/multipleOf: must be more than 0, found 0"),
        Case(name: "unknown type", schema: #"{"type": "int"}"#, kind: .malformed,
             expected: #"/type: unknown type "int"; the types are null, boolean, object, array, number, integer, string"#),
        Case(name: "bad pattern", schema: #"{"pattern": "(a"}"#, kind: .malformed, expected: #"/pattern: "(a" is not a valid regular expression"#),
        Case(name: "draft 7 items", schema: #"{"items": [{}, {}]}"#, kind: .malformed,
             expected: "/items: in draft 2020-12 'items' takes one schema for every item; a list of schemas, one per position, is 'prefixItems'"),
        Case(name: "empty anyOf", schema: #"{"anyOf": []}"#, kind: .malformed, expected: "/anyOf: must be a non-empty array of schemas, found an array of 0 items"),
        Case(name: "dangling $ref", schema: ##"{"$ref": "#/$defs/missing"}"##, kind: .malformed, expected: ##"/$ref: "#/$defs/missing" points to nothing in this schema"##),
        Case(name: "remote $ref", schema: #"{"$ref": "https://example.com/s.json"}"#, kind: .unsupported,
             expected: ##"/$ref: "https://example.com/s.json" points outside this schema; only references within it are supported (put the schema under $defs and use "#/$defs/NAME")"##),
        Case(name: "anchor $ref", schema: ##"{"$ref": "#node"}"##, kind: .unsupported,
             expected: ##"/$ref: "#node" is not a JSON pointer; anchors are not supported (use "#/$defs/NAME")"##),
        Case(name: "unevaluatedProperties", schema: #"{"unevaluatedProperties": false}"#, kind: .unsupported,
             expected: "/unevaluatedProperties: 'unevaluatedProperties' is not supported; use additionalProperties"),
        Case(name: "$ref to itself", schema: ##"{"$ref": "#"}"##, kind: .referenceCycle,
             expected: "(root): the schema refers back to itself without descending into the value (# → #), so validating would never end"),
        Case(name: "$ref loop through allOf", schema: ##"{"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}"##,
             kind: .referenceCycle,
             expected: "/$defs/a: the schema refers back to itself without descending into the value (#/$defs/a → #/$defs/a/allOf/0 → #/$defs/b → #/$defs/b/anyOf/1 → #/$defs/a), so validating would never end"),
    ]

    @Test(arguments: cases)
    func refused(_ item: Case) throws {
        let schema = try ValidationTests.json(item.schema)
        do {
            _ = try JSONSchemaValidator(schema)
            Issue.record("compiled, expected: \(item.expected)")
        } catch {
            #expect(error.kind == item.kind)
            #expect(error.description == item.expected)
        }
    }

    @Test("a recursive $ref that descends into the value is fine, and a long chain of them is bounded")
    func recursionThroughTheValue() throws {
        let schema = try ValidationTests.json(##"{"$defs": {"list": {"type": "array", "items": {"$ref": "#/$defs/list"}}}, "$ref": "#/$defs/list"}"##)
        let validator = try JSONSchemaValidator(schema, limits: .init(maxEvaluationDepth: 100))
        var deep: JSONValue = []
        for _ in 0..<20 { deep = [deep] }
        #expect(validator.validate(deep).isEmpty)
        for _ in 0..<200 { deep = [deep] }
        let violations = validator.validate(deep)
        #expect(violations.count == 1)
        #expect(violations.first?.keyword == "limits")
        #expect(violations.first?.message == "validation stopped: the value is nested deeper than 100 levels of the schema")
        #expect(!validator.isValid(deep))
    }

    @Test("schemas whose anyOfs share $refs are stopped by the step budget, not left to take exponential time")
    func exponentialSchema() throws {
        // Each level tries both branches of the next: 2^40 paths without a budget.
        var definitions: [String: JSONValue] = ["d40": ["type": "string"]]
        for level in 0..<40 {
            definitions["d\(level)"] = ["anyOf": [["$ref": .string("#/$defs/d\(level + 1)")], ["$ref": .string("#/$defs/d\(level + 1)"), "minimum": 1]]]
        }
        let validator = try JSONSchemaValidator(["$defs": .object(definitions), "$ref": "#/$defs/d0"], limits: .init(maxEvaluationSteps: 50_000))
        let started = ContinuousClock.now
        let violations = validator.validate(3)
        #expect(violations.last?.message == "validation stopped after 50000 schema applications; the schema is too expensive to evaluate")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(validator.isValid("text"))
    }

    @Test("deep and large schemas are refused at compile time")
    func schemaBounds() throws {
        var deep: JSONValue = true
        for _ in 0..<300 { deep = ["not": deep] }
        #expect(throws: SchemaError.self) { try JSONSchemaValidator(deep) }
        do {
            _ = try JSONSchemaValidator(deep)
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message == "nested more than 128 levels deep (counting $refs)")
        }
        let wide: JSONValue = ["anyOf": .array(Array(repeating: ["type": "string"], count: 30_000))]
        do {
            _ = try JSONSchemaValidator(wide)
            Issue.record("a schema of 30,000 subschemas compiled")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.message == "more than 20000 subschemas")
        }
    }
}
