import Foundation
import Testing
import WriftAIModels
@testable import JSONSchema

/// One row per keyword behaviour: the schema, the value, and exactly the violations a user sees.
@Suite("Validation")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let schema: String
        let instance: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "the example of the issue", schema: #"{"properties": {"items": {"items": {"properties": {"score": {"maximum": 1}}}}}}"#,
             instance: #"{"items": [{"score": 1.4}]}"#, expected: ["/items/0/score: 1.4 is more than the maximum 1"]),
        Case(name: "type", schema: #"{"type": "string"}"#, instance: "3", expected: ["(root): expected a string, found the number 3"]),
        Case(name: "type list", schema: #"{"type": ["integer", "null"]}"#, instance: "1.5",
             expected: ["(root): expected null or an integer, found the number 1.5"]),
        Case(name: "1.0 is an integer", schema: #"{"type": "integer"}"#, instance: "1.0", expected: []),
        Case(name: "true is not a number", schema: #"{"type": "number"}"#, instance: "true", expected: ["(root): expected a number, found the boolean true"]),
        Case(name: "enum", schema: #"{"enum": ["a", 1, null]}"#, instance: #""b""#, expected: [#"(root): "b" is not one of "a", 1, null"#]),
        Case(name: "enum compares numbers by value", schema: #"{"enum": [1]}"#, instance: "1.0", expected: []),
        Case(name: "enum keeps true and 1 apart", schema: #"{"enum": [1]}"#, instance: "true", expected: ["(root): true is not one of 1"]),
        Case(name: "const", schema: #"{"const": {"a": [1, 2]}}"#, instance: #"{"a": [1, 3]}"#,
             expected: [#"(root): expected the constant {"a":[1,2]}, found {"a":[1,3]}"#]),
        Case(name: "const ignores key order", schema: #"{"const": {"a": 1, "b": 2}}"#, instance: #"{"b": 2.0, "a": 1}"#, expected: []),
        Case(name: "minimum and maximum", schema: #"{"minimum": 2, "maximum": 5}"#, instance: "[1, 6]", expected: []),
        Case(name: "minimum", schema: #"{"minimum": 2}"#, instance: "1.5", expected: ["(root): 1.5 is less than the minimum 2"]),
        Case(name: "exclusive bounds", schema: #"{"items": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}}"#, instance: "[0, 1, 0.5]",
             expected: ["/0: 0 is not more than the exclusive minimum 0", "/1: 1 is not less than the exclusive maximum 1"]),
        Case(name: "multipleOf on decimals", schema: #"{"multipleOf": 0.1}"#, instance: "0.3", expected: []),
        Case(name: "not a multiple", schema: #"{"multipleOf": 0.1}"#, instance: "0.35", expected: ["(root): 0.35 is not a multiple of 0.1"]),
        Case(name: "multipleOf on integers", schema: #"{"multipleOf": 3}"#, instance: "[9, 10, 1e20]", expected: []),
        Case(name: "lengths in code points", schema: #"{"minLength": 2, "maxLength": 2}"#, instance: #""日本""#, expected: []),
        Case(name: "an emoji is one code point", schema: #"{"minLength": 2}"#, instance: #""😀""#,
             expected: [#"(root): "😀" is 1 character long, shorter than the minimum length 2"#]),
        Case(name: "maxLength", schema: #"{"maxLength": 3}"#, instance: #""abcd""#,
             expected: [#"(root): "abcd" is 4 characters long, longer than the maximum length 3"#]),
        Case(name: "pattern is unanchored", schema: #"{"pattern": "b+"}"#, instance: #""abba""#, expected: []),
        Case(name: "pattern", schema: #"{"pattern": "^[0-9]+$"}"#, instance: #""12a""#, expected: [#"(root): "12a" does not match the pattern ^[0-9]+$"#]),
        Case(name: "$ is the end of the input only", schema: #"{"pattern": "^a$"}"#, instance: "\"a\\n\"",
             expected: [#"(root): "a\n" does not match the pattern ^a$"#]),
        Case(name: "\\d is ASCII only", schema: #"{"pattern": "^\\d$"}"#, instance: #""٣""#, expected: [#"(root): "٣" does not match the pattern ^\d$"#]),
        Case(name: "items and prefixItems", schema: #"{"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}"#,
             instance: #"["a", 1, "b"]"#, expected: [#"/2: expected an integer, found the string "b""#]),
        Case(name: "items false", schema: #"{"prefixItems": [{}], "items": false}"#, instance: "[1, 2, 3]",
             expected: ["(root): has 3 items; only 1 is allowed (items is false)"]),
        Case(name: "minItems and maxItems", schema: #"{"items": {"minItems": 2, "maxItems": 2}}"#, instance: "[[1], [1, 2, 3]]",
             expected: ["/0: has 1 item; at least 2 are required", "/1: has 3 items; at most 2 are allowed"]),
        Case(name: "uniqueItems compares numbers by value", schema: #"{"uniqueItems": true}"#, instance: #"[1, "a", 1.0]"#,
             expected: ["(root): items 0 and 2 are equal (1); every item must be unique"]),
        Case(name: "uniqueItems keeps true and 1 apart", schema: #"{"uniqueItems": true}"#, instance: #"[1, true, {"a": 1}, {"a": true}]"#, expected: []),
        Case(name: "contains", schema: #"{"contains": {"type": "string"}, "minContains": 2, "maxContains": 2}"#, instance: #"["a", 1]"#,
             expected: ["(root): has 1 item matching the 'contains' schema; at least 2 are required"]),
        Case(name: "required", schema: #"{"required": ["prompt", "seed"]}"#, instance: #"{"seed": 1}"#,
             expected: [#"(root): missing the required property "prompt""#]),
        Case(name: "additionalProperties false", schema: #"{"properties": {"a": {}}, "patternProperties": {"^x": {}}, "additionalProperties": false}"#,
             instance: #"{"a": 1, "x1": 2, "b/c": 3}"#, expected: [#"/b~1c: the property "b/c" is not allowed (additionalProperties is false)"#]),
        Case(name: "additionalProperties schema", schema: #"{"additionalProperties": {"type": "number"}}"#, instance: #"{"a": "x"}"#,
             expected: [#"/a: expected a number, found the string "x""#]),
        Case(name: "min and max properties", schema: #"{"minProperties": 2, "maxProperties": 3}"#, instance: #"{"a": 1}"#,
             expected: ["(root): has 1 property; at least 2 are required"]),
        Case(name: "propertyNames", schema: #"{"propertyNames": {"maxLength": 2}}"#, instance: #"{"abc": 1}"#,
             expected: [#"/abc: "abc" is 3 characters long, longer than the maximum length 2"#]),
        Case(name: "dependentRequired", schema: #"{"dependentRequired": {"a": ["b"]}}"#, instance: #"{"a": 1}"#,
             expected: [#"(root): has the property "a", which requires the property "b""#]),
        Case(name: "allOf reports every branch", schema: #"{"allOf": [{"minimum": 5}, {"multipleOf": 2}]}"#, instance: "3",
             expected: ["(root): 3 is less than the minimum 5", "(root): 3 is not a multiple of 2"]),
        Case(name: "anyOf", schema: #"{"anyOf": [{"type": "string"}, {"type": "null"}]}"#, instance: "3",
             expected: ["(root): matches none of the 2 alternatives of anyOf: 0) expected a string, found the number 3; 1) expected null, found the number 3"]),
        Case(name: "oneOf with two matches", schema: #"{"oneOf": [{"type": "number"}, {"minimum": 0}]}"#, instance: "3",
             expected: ["(root): matches more than one alternative of oneOf (0 and 1); exactly one must match"]),
        Case(name: "not", schema: #"{"not": {"type": "null"}}"#, instance: "null", expected: ["(root): must not match the schema under 'not'"]),
        Case(name: "if then else", schema: #"{"items": {"if": {"type": "integer"}, "then": {"minimum": 10}, "else": {"type": "string"}}}"#,
             instance: #"[12, "x", 1.5]"#, expected: [#"/2: expected a string, found the number 1.5"#]),
        Case(name: "then applies", schema: #"{"if": {"type": "integer"}, "then": {"minimum": 10}, "else": {"type": "string"}}"#, instance: "5",
             expected: ["(root): 5 is less than the minimum 10"]),
        Case(name: "false schema", schema: #"{"properties": {"a": false}}"#, instance: #"{"a": 1}"#,
             expected: ["/a: no value is allowed here (the schema is false)"]),
        Case(name: "$ref to $defs, recursive", schema: ##"{"$defs": {"n": {"properties": {"next": {"$ref": "#/$defs/n"}, "v": {"type": "integer"}}}}, "$ref": "#/$defs/n"}"##,
             instance: #"{"v": 1, "next": {"v": 2, "next": {"v": "x"}}}"#, expected: [#"/next/next/v: expected an integer, found the string "x""#]),
        Case(name: "$ref through the root's $id", schema: #"{"$id": "https://x.example/s", "$defs": {"a": {"type": "string"}}, "$ref": "https://x.example/s#/$defs/a"}"#,
             instance: "1", expected: ["(root): expected a string, found the number 1"]),
        Case(name: "unknown keywords are ignored", schema: #"{"format": "email", "x-anything": {"type": "string"}, "title": "t"}"#, instance: "3", expected: []),
        Case(name: "keywords of other types do not apply", schema: #"{"minLength": 5, "minimum": 5, "required": ["a"], "minItems": 2}"#, instance: "true", expected: []),
    ]

    @Test(arguments: cases)
    func reports(_ item: Case) throws {
        let validator = try JSONSchemaValidator(try Self.json(item.schema))
        let instance = try Self.json(item.instance)
        let violations = validator.validate(instance).map(\.description)
        #expect(violations == item.expected)
        #expect(validator.isValid(instance) == item.expected.isEmpty)
    }

    @Test("a violation names its keyword and where it is in the schema")
    func violationParts() throws {
        let validator = try JSONSchemaValidator(try Self.json(#"{"properties": {"score": {"maximum": 1}}}"#))
        let violation = try #require(validator.validate(["score": 2]).first)
        #expect(violation.keyword == "maximum")
        #expect(violation.schemaPath.text == "/properties/score/maximum")
        #expect(violation.instancePath.components == [.key("score")])
        #expect(violation.message == "2 is more than the maximum 1")
    }

    @Test("violations are capped")
    func capped() throws {
        let validator = try JSONSchemaValidator(["items": ["type": "string"]], limits: .init(maxViolations: 3))
        #expect(validator.validate(.array(Array(repeating: 1, count: 50))).count == 3)
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
