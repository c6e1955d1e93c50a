import Foundation
import Testing
import WriftAIModels

@Suite("JSONValue")
struct JSONValueTests {
    struct EqualityCase: Sendable, CustomTestStringConvertible {
        var left: String
        var right: String
        var equal: Bool
        var testDescription: String { "\(left) \(equal ? "==" : "!=") \(right)" }
    }

    static let equalityCases: [EqualityCase] = [
        .init(left: #"{"a": 1, "b": 2}"#, right: #"{"b": 2, "a": 1}"#, equal: true),
        .init(left: "1", right: "1.0", equal: true),
        .init(left: "1e2", right: "100", equal: true),
        .init(left: "-0", right: "0", equal: true),
        .init(left: #"{"x": [1, {"y": 2.0, "z": null}]}"#, right: #"{"x": [1.0, {"z": null, "y": 2}]}"#, equal: true),
        .init(left: "[1, 2]", right: "[2, 1]", equal: false),
        .init(left: "1", right: "1.5", equal: false),
        .init(left: "1", right: #""1""#, equal: false),
        .init(left: "true", right: "1", equal: false),
        .init(left: "null", right: "false", equal: false),
        .init(left: #"{"a": null}"#, right: "{}", equal: false),
        .init(left: #"{"a": 1}"#, right: #"{"a": 1, "b": 1}"#, equal: false),
        .init(left: #""é""#, right: #""\u00e9""#, equal: true),
    ]

    @Test("semantic equality and hashing", arguments: equalityCases)
    func equality(_ testCase: EqualityCase) throws {
        let left = try decode(testCase.left)
        let right = try decode(testCase.right)
        #expect((left == right) == testCase.equal)
        if testCase.equal {
            #expect(left.hashValue == right.hashValue)
            #expect(Set([left, right]).count == 1)
        }
    }

    struct RoundTripCase: Sendable, CustomTestStringConvertible {
        var json: String
        var expected: JSONValue
        var testDescription: String { json }
    }

    static let roundTripCases: [RoundTripCase] = [
        .init(json: "null", expected: .null),
        .init(json: "true", expected: .bool(true)),
        .init(json: "false", expected: .bool(false)),
        .init(json: "0", expected: .number(0)),
        .init(json: "42", expected: 42),
        .init(json: "-3.25", expected: -3.25),
        .init(json: "1e300", expected: .number(1e300)),
        .init(json: #""text""#, expected: "text"),
        .init(json: "[]", expected: []),
        .init(json: "{}", expected: [:]),
        .init(json: #"[1, "two", [3], {"four": 4}]"#, expected: [1, "two", [3], ["four": 4]]),
        .init(
            json: #"{"type": "object", "properties": {"prompt": {"type": "string", "maxLength": 100}}, "required": ["prompt"]}"#,
            expected: [
                "type": "object",
                "properties": ["prompt": ["type": "string", "maxLength": 100]],
                "required": ["prompt"],
            ]
        ),
    ]

    @Test("decodes and survives an encode/decode round trip", arguments: roundTripCases)
    func roundTrip(_ testCase: RoundTripCase) throws {
        let decoded = try decode(testCase.json)
        #expect(decoded == testCase.expected)
        let reencoded = try JSONEncoder().encode(decoded)
        #expect(try JSONDecoder().decode(JSONValue.self, from: reencoded) == testCase.expected)
    }

    @Test("integral numbers are written without a fraction")
    func integralEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let value: JSONValue = ["a": 1.0, "b": 2.5, "c": -7]
        let data = try encoder.encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"a":1,"b":2.5,"c":-7}"#)
    }

    @Test("accessors")
    func accessors() {
        let value: JSONValue = ["s": "x", "n": 1, "b": true, "a": [nil], "o": [:]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.numberValue == 1)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [.null])
        #expect(value["a"]?.arrayValue?.first?.isNull == true)
        #expect(value["o"]?.objectValue == [:])
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x").objectValue == nil)
    }

    private func decode(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }
}
