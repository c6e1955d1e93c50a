import Foundation
import Testing
import WriftAIModels

/// `CreateVersionRequest.jsonBody()` writes its JSON directly: it must be the JSON `JSONEncoder` writes,
/// equal as JSON, and decode back to the same request.
@Suite("CreateVersionRequest.jsonBody")
struct CreateVersionRequestJSONTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var request: CreateVersionRequest
        var testDescription: String { name }
    }

    static func value(_ json: String) -> JSONValue {
        try! JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    static let cases: [Case] = [
        Case(name: "plain schemas", request: CreateVersionRequest(
            releaseNotes: "First", containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(
                input: value(#"{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"#),
                output: value(#"{"type":"object"}"#)))
        )),
        Case(name: "escapes, control characters and non-ASCII text", request: CreateVersionRequest(
            releaseNotes: "quote \" backslash \\ slash / tab \t newline \n return \r bell \u{07} nul \u{00} é 😀 \u{2028} del \u{7F}",
            containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(
                input: value(#"{"description":"a \"quoted\" \\ value\n","enum":["é","😀","\u0001"]}"#),
                output: .string("ü")))
        )),
        Case(name: "numbers: integral, fractional, tiny, huge, negative zero", request: CreateVersionRequest(
            releaseNotes: "n", containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(
                input: .array([.number(0), .number(-1), .number(1.5), .number(1e-7), .number(1e300), .number(9_007_199_254_740_992),
                               .number(9_007_199_254_740_992 * 4 + 8), .number(-0.0), .number(123_456_789_012), .number(-2.5e-308)]),
                output: .object(["minimum": .number(1), "maximum": .number(4096.25)])))
        )),
        Case(name: "every kind nested, empty containers, stream output", request: CreateVersionRequest(
            releaseNotes: "", containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(
                input: value(#"{"a":[null,true,false,{},[],[[]],{"b":{"c":[1,"2",null]}}],"":"empty key"}"#),
                output: .null,
                streamOutput: value(#"{"type":"array","items":{"type":"string"}}"#)))
        )),
        Case(name: "compatibilities and configuration", request: CreateVersionRequest(
            releaseNotes: "with extras", containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(input: .object([:]), output: .object([:]))),
            compatibilities: Compatibilities(openaiChatCompletions: true, anthropicMessages: true),
            configuration: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["API_KEY", "é"])
        )),
        Case(name: "configuration without variables", request: CreateVersionRequest(
            releaseNotes: "c", containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(input: .bool(true), output: .number(3))),
            configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: [])
        )),
    ]

    @Test("equals JSONEncoder's JSON and decodes back to the request", arguments: cases)
    func sameJSON(_ testCase: Case) throws {
        let written = try testCase.request.jsonBody()
        let encoded = try JSONEncoder().encode(testCase.request)
        let fast = try JSONSerialization.jsonObject(with: Data(written), options: [.fragmentsAllowed]) as? NSDictionary
        let reference = try JSONSerialization.jsonObject(with: encoded, options: [.fragmentsAllowed]) as? NSDictionary
        #expect(fast != nil)
        #expect(fast == reference)
        #expect(try JSONDecoder().decode(CreateVersionRequest.self, from: Data(written)) == testCase.request)
    }

    @Test("object keys come sorted, so the same request is always the same bytes")
    func deterministic() throws {
        let request = Self.cases[0].request
        let text = String(decoding: try request.jsonBody(), as: UTF8.self)
        #expect(text.contains(#"{"properties":{"text":{"type":"string"}},"required":["text"],"type":"object"}"#))
        #expect(text.hasPrefix(#"{"release_notes":"First","container_image_digest":"sha256:"#))
    }

    @Test("a number JSON cannot carry is refused, as JSONEncoder refuses it", arguments: [Double.infinity, -Double.infinity, Double.nan])
    func nonFinite(_ number: Double) {
        let request = CreateVersionRequest(
            releaseNotes: "x", containerImageDigest: Self.digest,
            schemas: Schemas(prediction: PredictionSchemas(input: .object(["minimum": .number(number)]), output: .null))
        )
        #expect(throws: (any Error).self) { try request.jsonBody() }
        #expect(throws: (any Error).self) { try JSONEncoder().encode(request) }
    }
}
