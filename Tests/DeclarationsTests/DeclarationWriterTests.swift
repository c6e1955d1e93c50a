import Declarations
import Foundation
import Testing
import WriftAIModels

/// `wriftsync import`'s writer: block-style YAML a person reads and diffs, which the loader reads back as
/// exactly the versions written.
@Suite struct DeclarationWriterTests {
    static let schemas = Schemas(prediction: PredictionSchemas(
        input: [
            "type": "object",
            "required": ["text"],
            "properties": ["text": ["type": "string", "maxLength": 100], "tags": ["type": "array", "items": [:], "default": []]],
        ],
        output: ["type": "string"]
    ))

    @Test func schemasCompatibilitiesAndConfigurationAreWrittenInBlockStyle() throws {
        let version = DeclarationWriter.Version(
            number: 3, containerImageDigest: digestA, releaseNotes: "Third", schemas: Self.schemas,
            compatibilities: Compatibilities(openaiChatCompletions: true),
            configuration: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"])
        )
        let files = try DeclarationWriter.files(model: "acme/chat", versions: [version], header: "Imported.")
        #expect(files.map(\.path) == ["chat.yaml"])
        #expect(files[0].contents == """
            # Imported.
            model: acme/chat
            versions:
              # live version #3
              - container_image_digest: "\(digestA)"
                release_notes: "Third"
                schemas:
                  prediction:
                    input:
                      properties:
                        tags:
                          default: []
                          items: {}
                          type: "array"
                        text:
                          maxLength: 100
                          type: "string"
                      required:
                        - "text"
                      type: "object"
                    output:
                      type: "string"
                compatibilities:
                  anthropic_messages: false
                  openai_chat_completions: true
                  openai_embeddings: false
                  openai_images_generations: false
                  openai_responses: false
                configuration:
                  hardware_identifier: "gpu-a100"
                  variable_names:
                    - "HF_TOKEN"

            """)
    }

    /// Values YAML could read as something else if written carelessly.
    static let awkward = Schemas(prediction: PredictionSchemas(
        input: [
            "yes": true, "no": false, "on": "off", "null": .null, "1st": 1, "<<": "merge?", "$ref": "#/$defs/x", "key: with colon": "v",
            "numbers": [1, -2.5, 1e300, 0.000001, 12345678901234567],
            "strings": ["true", "1.0", "null", "~", "- dash", "# hash", "line\nbreak", "tab\there", "sep\u{2028}arator", "nel\u{85}", "del\u{7F}", "ü ✓ 🙂", ""],
            "nested": [[1, [2, []]], [:], ["a": [["b": "c"]]]],
        ],
        output: ["type": "string"],
        streamOutput: ["type": "string", "description": "“quoted” \"and\" \\backslashed"]
    ))

    @Test func whatIsWrittenLoadsBackAsTheSameVersions() throws {
        let versions = [
            DeclarationWriter.Version(number: 1, containerImageDigest: digestA, releaseNotes: "First: \"quoted\" # not a comment\nsecond line\u{2028}", schemas: Self.awkward,
                                      compatibilities: Compatibilities(), configuration: nil),
            DeclarationWriter.Version(number: 2, containerImageDigest: digestB, releaseNotes: "yes", schemas: Self.schemas,
                                      compatibilities: Compatibilities(openaiEmbeddings: true, anthropicMessages: true),
                                      configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: [])),
        ]
        let files = try DeclarationWriter.files(model: "acme/awkward", versions: versions, header: "Round trip.")
        #expect(!files[0].contents.contains("{\""), "no JSON objects inline: \(files[0].contents)")
        let loaded = try load(["models/awkward.yaml": files[0].contents]).get()
        let model = try #require(loaded.first)
        #expect(model.model == "acme/awkward")
        #expect(model.versions.map(\.containerImageDigest.value) == [digestA, digestB])
        #expect(model.versions.map(\.releaseNotes) == versions.map(\.releaseNotes))
        #expect(model.versions.map(\.schemas) == versions.map(\.schemas))
        #expect(model.versions[1].compatibilities == versions[1].compatibilities)
        #expect(model.versions[1].configuration == versions[1].configuration)
    }

    @Test func aLargeSchemaGoesToAFileOfItsOwn() throws {
        let version = DeclarationWriter.Version(number: 7, containerImageDigest: digestA, releaseNotes: "Big", schemas: Self.awkward,
                                                compatibilities: Compatibilities(), configuration: nil)
        let files = try DeclarationWriter.files(model: "acme/big", versions: [version], inlineLimit: 64, header: "Big.")
        #expect(files.map(\.path) == ["big.yaml", "schemas/big-7.json"])
        #expect(files[0].contents.contains("    schemas_file: schemas/big-7.json\n"))
        let loaded = try load(["models/big.yaml": files[0].contents], others: ["models/schemas/big-7.json": files[1].contents]).get()
        #expect(loaded.first?.versions.first?.schemas == Self.awkward)
    }

    /// Named alike, `acme/big` and `beta/big` were written to one `big.yaml` (and one `schemas/big-7.json`), the
    /// second over the first: each now gets a folder of its owner, its schemas beside it.
    @Test func modelsNamedAlikeAreWrittenApart() throws {
        let stems = DeclarationWriter.stems(for: ["acme/big", "beta/big", "acme/small", "acme/big"])
        #expect(stems == ["acme/big": "acme/big", "beta/big": "beta/big", "acme/small": "small"])
        let version = DeclarationWriter.Version(number: 7, containerImageDigest: digestA, releaseNotes: "Big", schemas: Self.awkward,
                                                compatibilities: Compatibilities(), configuration: nil)
        var written: [String: String] = [:]
        for model in ["acme/big", "beta/big"] {
            for file in try DeclarationWriter.files(model: model, stem: stems[model], versions: [version], inlineLimit: 64, header: model) {
                #expect(written[file.path] == nil, "\(file.path) written twice")
                written["models/" + file.path] = file.contents
            }
        }
        #expect(written.keys.sorted() == ["models/acme/big.yaml", "models/acme/schemas/big-7.json", "models/beta/big.yaml", "models/beta/schemas/big-7.json"])
        // Read back as the repository would hold them: a schemas_file is relative to its declaration.
        let declarations = written.filter { $0.key.hasSuffix(".yaml") }
        let loaded = try load(declarations, others: written.filter { $0.key.hasSuffix(".json") }).get()
        #expect(Set(loaded.map(\.model.description)) == ["acme/big", "beta/big"])
        #expect(loaded.allSatisfy { $0.versions.first?.schemas == Self.awkward })
    }
}
