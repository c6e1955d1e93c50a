import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Create-version validation")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: JSONValue?
        var raw: String?
        var paths: Set<String>
        var testDescription: String { name }
    }

    static let validDigest = digest(1)

    static let cases: [Case] = [
        Case(
            name: "every field wrong at once",
            body: [
                "release_notes": .string(String(repeating: "x", count: 256)),
                "container_image_digest": "sha256:ABC",
                "schemas": ["prediction": ["input": "not an object"]],
                "compatibilities": ["openai_embeddings": "yes", "anthropic_messages": 1],
                "configuration": ["variable_names": ["ok", 2]],
            ],
            paths: [
                "body.release_notes", "body.container_image_digest", "body.schemas.prediction.input",
                "body.schemas.prediction.output", "body.compatibilities.openai_embeddings",
                "body.compatibilities.anthropic_messages", "body.configuration.hardware_identifier",
                "body.configuration.variable_names.1",
            ]
        ),
        Case(
            name: "required fields missing",
            body: [:],
            paths: ["body.release_notes", "body.container_image_digest", "body.schemas"]
        ),
        Case(
            name: "wrong types",
            body: [
                "release_notes": 5, "container_image_digest": true, "schemas": [],
                "compatibilities": "all", "configuration": 7,
            ],
            paths: [
                "body.release_notes", "body.container_image_digest", "body.schemas", "body.compatibilities",
                "body.configuration",
            ]
        ),
        Case(
            name: "prediction missing",
            body: [
                "release_notes": "r", "container_image_digest": .string(validDigest),
                "schemas": ["other": [:]],
            ],
            paths: ["body.schemas.prediction"]
        ),
        Case(
            name: "stream_output not an object",
            body: [
                "release_notes": "r", "container_image_digest": .string(validDigest),
                "schemas": ["prediction": ["input": [:], "output": [:], "stream_output": [1]]],
            ],
            paths: ["body.schemas.prediction.stream_output"]
        ),
        Case(
            name: "digest with uppercase hex or wrong length",
            body: [
                "release_notes": "r",
                "container_image_digest": .string("sha256:" + String(repeating: "a", count: 63)),
                "schemas": ["prediction": ["input": [:], "output": [:]]],
                "configuration": ["hardware_identifier": "", "variable_names": "A"],
            ],
            paths: [
                "body.container_image_digest", "body.configuration.hardware_identifier",
                "body.configuration.variable_names",
            ]
        ),
        Case(name: "empty body", raw: "", paths: ["body"]),
        Case(name: "invalid JSON", raw: "{\"release_notes\": ", paths: ["body"]),
        Case(name: "not an object", raw: "[1, 2]", paths: ["body"]),
    ]

    @Test("answers 422 listing every problem", arguments: cases)
    func invalid(_ testCase: Case) async throws {
        try await withRoutes { client in
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: testCase.body, rawBody: testCase.raw)
            #expect(answer.status == 422)
            #expect(answer.validationPaths == testCase.paths)
            let detail = try answer.decode(ValidationErrorResponse.self).detail
            #expect(detail.allSatisfy { !$0.msg.isEmpty && !$0.type.isEmpty && $0.loc.first == "body" })
            let versions: Page<ModelVersion> = try await client.send(
                .get, "/v1/models/alice/demo/versions", token: Users.alice).decode()
            #expect(versions.items.isEmpty)
        }
    }

    @Test("the entries name the problem: missing, too long, pattern")
    func messages() async throws {
        try await withRoutes { client in
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice,
                json: [
                    "release_notes": .string(String(repeating: "é", count: 256)),
                    "container_image_digest": "md5:1",
                ])
            let detail = try answer.decode(ValidationErrorResponse.self).detail
            let byPath = Dictionary(uniqueKeysWithValues: detail.map { ($0.path, $0) })
            #expect(byPath["body.release_notes"]?.type == "string_too_long")
            #expect(byPath["body.container_image_digest"]?.type == "string_pattern_mismatch")
            #expect(byPath["body.schemas"]?.type == "missing")
            #expect(byPath["body.schemas"]?.msg == "Field required")
        }
    }

    @Test("limits are inclusive: 255 characters of release notes and omitted optional fields are fine")
    func boundaries() async throws {
        try await withRoutes { client in
            let answer = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice,
                json: [
                    "release_notes": .string(String(repeating: "é", count: 255)),
                    "container_image_digest": .string(digest(0xabc)),
                    "schemas": ["prediction": ["input": [:], "output": [:], "stream_output": nil]],
                    "compatibilities": nil,
                ])
            #expect(answer.status == 201)
            #expect(try answer.decode(ModelVersionDetails.self).compatibilities == Compatibilities())
        }
    }
}
