import Foundation
import WriftAIModels

/// Schemas of the kind model versions declare for their inputs and outputs (hand-written, and as
/// pydantic generates them), for the generator's tests and as a realistic part of the differential test.
enum PredictionSchemaFixtures {
    static let all: [(name: String, schema: JSONValue)] = texts.map { ($0.0, parse($0.1)) }

    private static func parse(_ text: String) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            preconditionFailure("fixture is not JSON: \(error)\n\(text)")
        }
    }

    private static let texts: [(String, String)] = [
        ("text generation input", #"""
        {"type": "object", "required": ["prompt"], "additionalProperties": false,
         "properties": {"prompt": {"type": "string", "minLength": 1, "maxLength": 4000},
                        "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 0.7},
                        "max_tokens": {"type": "integer", "minimum": 1, "maximum": 4096},
                        "stop": {"type": "array", "items": {"type": "string"}, "maxItems": 4}}}
        """#),
        ("text output", #"{"type": "string"}"#),
        ("streamed tokens", #"{"type": "array", "items": {"type": "string"}, "minItems": 1}"#),
        ("classification", #"""
        {"type": "object", "required": ["label", "score"],
         "properties": {"label": {"enum": ["positive", "negative", "neutral"]},
                        "score": {"type": "number", "minimum": 0, "maximum": 1}}}
        """#),
        ("scores list", #"""
        {"type": "object", "required": ["items"],
         "properties": {"items": {"type": "array", "minItems": 1, "maxItems": 5,
           "items": {"type": "object", "required": ["score", "label"],
                     "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}, "label": {"type": "string"}}}}}}
        """#),
        ("embedding", #"{"type": "array", "items": {"type": "number"}, "minItems": 8, "maxItems": 8}"#),
        ("image output", #"""
        {"type": "array", "items": {"type": "string", "format": "uri", "pattern": "^https://[a-z]+\\.example/[a-z0-9]{8}\\.png$"}, "minItems": 1}
        """#),
        ("pydantic optional", #"""
        {"title": "Input", "type": "object", "required": ["text"],
         "properties": {"text": {"title": "Text", "type": "string"},
                        "language": {"anyOf": [{"type": "string", "pattern": "^[a-z]{2}$"}, {"type": "null"}], "default": null},
                        "seed": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]}}}
        """#),
        ("pydantic $defs", #"""
        {"$defs": {"Message": {"type": "object", "required": ["role", "content"], "additionalProperties": false,
                               "properties": {"role": {"enum": ["system", "user", "assistant"]}, "content": {"type": "string"}}}},
         "type": "object", "required": ["messages"],
         "properties": {"messages": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Message"}}}}
        """#),
        ("allOf with a base", #"""
        {"$defs": {"Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "pattern": "^[a-f0-9]{6}$"}}}},
         "allOf": [{"$ref": "#/$defs/Base"}, {"required": ["count"], "properties": {"count": {"type": "integer", "multipleOf": 5, "minimum": 10}}}]}
        """#),
        ("discriminated union", #"""
        {"oneOf": [
           {"type": "object", "required": ["kind", "text"], "properties": {"kind": {"const": "text"}, "text": {"type": "string"}}},
           {"type": "object", "required": ["kind", "url"], "properties": {"kind": {"const": "image"}, "url": {"type": "string", "minLength": 10}}}]}
        """#),
        ("prices", #"""
        {"type": "object", "required": ["amount", "currency"],
         "properties": {"amount": {"type": "number", "multipleOf": 0.01, "exclusiveMinimum": 0, "maximum": 1000},
                        "currency": {"type": "string", "enum": ["EUR", "USD"]}}}
        """#),
        ("tuple", #"""
        {"type": "array", "prefixItems": [{"type": "integer", "minimum": 0, "maximum": 640}, {"type": "integer", "minimum": 0, "maximum": 480}], "items": false, "minItems": 2}
        """#),
        ("unique tags", #"""
        {"type": "array", "uniqueItems": true, "minItems": 3, "items": {"enum": ["a", "b", "c", "d"]}}
        """#),
        ("recursive tree", #"""
        {"$defs": {"node": {"type": "object", "required": ["name"],
                            "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 2}}}},
         "$ref": "#/$defs/node"}
        """#),
        ("conditional", #"""
        {"type": "object", "required": ["mode"],
         "properties": {"mode": {"enum": ["fast", "exact"]}, "steps": {"type": "integer"}},
         "if": {"properties": {"mode": {"const": "exact"}}}, "then": {"required": ["steps"], "properties": {"steps": {"minimum": 50}}},
         "else": {"properties": {"steps": {"maximum": 10}}}}
        """#),
        ("contains", #"""
        {"type": "array", "contains": {"type": "integer", "minimum": 100}, "minContains": 2, "items": {"type": "integer"}}
        """#),
        ("nullable number", #"{"type": ["number", "null"], "minimum": -5, "maximum": 5}"#),
        ("object map", #"""
        {"type": "object", "minProperties": 2, "additionalProperties": {"type": "number"}, "propertyNames": {"pattern": "^[a-z]+$"}}
        """#),
        ("true", "true"),
    ]
}
