import Foundation
import Testing
import WriftAIModels

@Suite("Wire types")
struct WireTypeTests {
    let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test("a list item decodes with and without a digest (legacy servers)")
    func modelVersion() throws {
        let current = try decode(
            ModelVersion.self,
            #"{"number": 3, "release_notes": "n", "created_at": "2026-01-01T00:00:00Z", "container_image_digest": "\#(digest)"}"#
        )
        #expect(current == ModelVersion(number: 3, releaseNotes: "n", createdAt: "2026-01-01T00:00:00Z", containerImageDigest: digest))
        let legacy = try decode(ModelVersion.self, #"{"number": 3, "release_notes": "n", "created_at": "t"}"#)
        #expect(legacy.containerImageDigest == nil)
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(legacy))
        #expect(encoded["container_image_digest"] == nil)
    }

    @Test("missing compatibility flags decode as false")
    func compatibilities() throws {
        let flags = try decode(Compatibilities.self, #"{"openai_embeddings": true}"#)
        #expect(flags == Compatibilities(openaiEmbeddings: true))
        #expect(try decode(Compatibilities.self, "{}") == Compatibilities())
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(flags))
        #expect(
            encoded
                == [
                    "openai_chat_completions": false, "openai_embeddings": true, "openai_images_generations": false,
                    "openai_responses": false, "anthropic_messages": false,
                ]
        )
    }

    @Test("version details round trip with snake_case keys and schemas compared semantically")
    func details() throws {
        let json = """
            {"number": 7, "release_notes": "r", "created_at": "t", "container_image_digest": "\(digest)",
             "schemas": {"prediction": {"input": {"type": "object", "n": 1.0}, "output": {"type": "string"},
                                        "stream_output": {"type": "string"}}},
             "compatibilities": {"anthropic_messages": true}, "size": 1234,
             "configuration": {"hardware_identifier": "gpu-a100", "variable_names": ["KEY"]}}
            """
        let details = try decode(ModelVersionDetails.self, json)
        #expect(details.schemas.prediction.input == ["n": 1, "type": "object"])
        #expect(details.schemas.prediction.streamOutput == ["type": "string"])
        #expect(details.compatibilities.anthropicMessages)
        #expect(details.size == 1234)
        #expect(details.configuration == VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["KEY"]))
        #expect(details.summary == ModelVersion(number: 7, releaseNotes: "r", createdAt: "t", containerImageDigest: digest))
        let again = try JSONDecoder().decode(ModelVersionDetails.self, from: JSONEncoder().encode(details))
        #expect(again == details)
    }

    @Test("a model writes null for absent fields and decodes them back")
    func model() throws {
        let model = Model(
            id: "id",
            name: "demo",
            owner: ModelOwner(accountID: "acc", name: "alice", avatarURL: "a.png"),
            visibility: .private,
            createdAt: "t"
        )
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(model))
        #expect(encoded["latest_version"] == .null)
        #expect(encoded["description"] == .null)
        #expect(encoded["owner"]?["account_id"] == "acc")
        #expect(try JSONDecoder().decode(Model.self, from: JSONEncoder().encode(model)) == model)
    }

    @Test("a page writes null cursors at the ends")
    func page() throws {
        let page = Page<ModelVersion>(items: [], nextCursor: nil, previousCursor: "p")
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(page))
        #expect(encoded == ["items": [], "next_cursor": nil, "previous_cursor": "p"])
        #expect(try JSONDecoder().decode(Page<ModelVersion>.self, from: JSONEncoder().encode(page)) == page)
    }

    @Test("422 details carry string and integer locations; other errors a string")
    func errors() throws {
        let body = try decode(
            ValidationErrorResponse.self,
            #"{"detail": [{"loc": ["body", "configuration", "variable_names", 2], "msg": "bad", "type": "string_type"}]}"#
        )
        #expect(body.detail.first?.loc == ["body", "configuration", "variable_names", 2])
        #expect(body.detail.first?.path == "body.configuration.variable_names.2")
        let reencoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(body))
        #expect(reencoded["detail"]?.arrayValue?.first?["loc"] == ["body", "configuration", "variable_names", 2])
        #expect(try decode(ErrorResponse.self, #"{"detail": "Model not found"}"#) == ErrorResponse(detail: "Model not found"))
    }

    @Test("requests encode with the API's field names")
    func requests() throws {
        let request = CreateVersionRequest(
            releaseNotes: "r",
            containerImageDigest: digest,
            schemas: Schemas(prediction: PredictionSchemas(input: [:], output: [:]))
        )
        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(request))
        #expect(encoded["release_notes"] == "r")
        #expect(encoded["container_image_digest"] == .string(digest))
        #expect(encoded["configuration"] == nil)
        let update = try JSONDecoder().decode(
            JSONValue.self,
            from: JSONEncoder().encode(ConfigurationUpdate(variableNames: ["A"]))
        )
        #expect(update == ["variable_names": ["A"]])
        let model = try JSONDecoder().decode(
            JSONValue.self,
            from: JSONEncoder().encode(CreateModelRequest(name: "m", visibility: .public))
        )
        #expect(model == ["name": "m", "visibility": "public"])
    }

    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}
