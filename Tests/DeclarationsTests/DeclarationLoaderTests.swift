import Foundation
import Testing
import WriftAIModels
@testable import Declarations

@Suite struct DeclarationLoaderTests {
    @Test func aFullDeclarationLoads() throws {
        let yaml = """
            model: acme/sentiment
            prune: false
            allow_empty: true
            keep: [3, 7]
            suspend: false
            on_immutable_change: replace
            on_out_of_order: recreate
            versions:
            \(versionYAML(digest: digestA.uppercased().replacingOccurrences(of: "SHA256", with: "sha256")))
            \(versionYAML(digest: digestB, notes: "Second", extra: """
                    compatibilities: {openai_chat_completions: true}
                    configuration: {hardware_identifier: gpu-a100, variable_names: [HF_TOKEN]}
                """))
            """
        let models = try load(["models/s.yaml": yaml]).get()
        let model = try #require(models.first)
        #expect(model.model == "acme/sentiment")
        #expect(model.prune == false && model.allowEmpty && model.keep == [3, 7] && model.onImmutableChange == .replace)
        #expect(model.onOutOfOrder == .recreate)
        #expect(model.versions.map(\.containerImageDigest.value) == [digestA, digestB], "uppercase hex is normalised")
        #expect(model.versions[0].schemas.prediction.input == ["type": "object"])
        #expect(model.versions[1].compatibilities == Compatibilities(openaiChatCompletions: true))
        #expect(model.versions[1].configuration == VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"]))
        #expect(model.location == SourceLocation(file: "models/s.yaml", line: 1, column: 8))
        #expect(model.versions[1].location.line == 16)
    }

    /// A schema sharing an anchor through YAML's merge key kept `"<<"` as a keyword JSON Schema ignores, and lost
    /// `type` and `required`: the version was created with an input schema that accepts anything.
    @Test func mergeKeysInSchemasAreMerged() throws {
        let yaml = """
            model: acme/s
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: one
                schemas: {prediction: {input: &in {type: object, required: [text]}, output: &out {type: string}}}
              - container_image_digest: "\(digestB)"
                release_notes: two
                schemas:
                  prediction:
                    input:
                      <<: *in
                      required: [text, lang]
                      properties: {text: {type: string}}
                    output:
                      <<: [*out, {type: integer, maxLength: 9}]
            """
        let models = try load(["m.yaml": yaml]).get()
        let schemas = try #require(models.first?.versions.last?.schemas.prediction)
        #expect(schemas.input == ["type": "object", "required": ["text", "lang"], "properties": ["text": ["type": "string"]]], "its own keys win")
        #expect(schemas.output == ["type": "string", "maxLength": 9], "the earlier merged mapping wins")
        #expect(diagnostics(["m.yaml": yaml.replacingOccurrences(of: "<<: *in", with: "<<: 3")])
            == ["m.yaml:11:15: 'schemas.prediction.input': '<<' (a merge key) must be a mapping or a list of mappings, found a number (3); quote it (\"<<\") for a key named so"])
    }

    @Test func defaultsApplyAndSeveralDocumentsDeclareSeveralModels() throws {
        let yaml = """
            model: acme/one
            versions:
            \(versionYAML())
            ---
            model: acme/two
            versions: []
            ---
            """
        let models = try load(["models/m.yml": yaml]).get()
        #expect(models.map(\.model) == ["acme/one", "acme/two"])
        #expect(models[0].prune && !models[0].allowEmpty && models[0].keep.isEmpty && !models[0].suspend && models[0].onImmutableChange == .warn)
        #expect(models[0].onOutOfOrder == .hold, "the safe default")
    }

    @Test func schemasFileIsReadRelativeToTheDeclaringFileAsJSONOrYAML() throws {
        let yaml = """
            model: acme/s
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "From a file"
                schemas_file: ../schemas/s.json
              - container_image_digest: "\(digestB)"
                release_notes: "Same file"
                schemas_file: ./../schemas/s.json
            """
        let schema = #"{"prediction": {"input": {"type": "object", "properties": {"x": {"type": "number", "minimum": 1.0}}}, "output": {"type": "string"}}}"#
        let models = try load(["models/s.yaml": yaml], others: ["schemas/s.json": schema]).get()
        #expect(models[0].versions[0].schemas.prediction.input == ["type": "object", "properties": ["x": ["type": "number", "minimum": 1]]])
        #expect(models[0].versions[1].schemas == models[0].versions[0].schemas)
    }

    @Test(arguments: [
        ("models/a.yaml", "models", true), ("models/team/a.yml", "models", true), ("models/a.json", "models", false),
        ("models/.hidden.yaml", "models", false), ("models/.git/x.yaml", "models", false), ("models/A.YAML", "models", true),
        (".config/models/a.yaml", ".config/models", true),
    ])
    func declarationPaths(_ item: (String, String, Bool)) {
        #expect(DeclarationLoader.isDeclarationPath(item.0, under: item.1) == item.2)
    }

    @Test(arguments: [
        ("../x.json", "models/a.yaml", "x.json"), ("x.json", "models/a.yaml", "models/x.json"),
        ("../../x.json", "models/a.yaml", nil), ("a/../../b", "m/f.yaml", "b"),
    ] as [(String, String, String?)])
    func resolvesSchemaPaths(_ item: (String, String, String?)) {
        #expect(DeclarationLoader.resolve(item.0, from: item.1) == item.2)
    }
}

@Suite struct DeclarationSchemaTests {
    /// The editor schema must name exactly the keys the loader accepts, or editors would mislead.
    @Test func theSchemaListsExactlyTheKeysTheLoaderAccepts() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(DeclarationSchema.json.utf8)) as? [String: Any])
        let properties = { (value: Any?) in ((value as? [String: Any])?["properties"] as? [String: Any]).map { Set($0.keys) } }
        #expect(properties(object) == Set(DocumentParser.modelKeys))
        let defs = try #require(object["$defs"] as? [String: Any])
        let version = try #require(defs["version"] as? [String: Any])
        #expect(properties(version) == Set(DocumentParser.versionKeys))
        let versionProperties = try #require(version["properties"] as? [String: Any])
        #expect(properties(versionProperties["compatibilities"]) == Set(DocumentParser.compatibilityKeys))
        #expect(properties(versionProperties["configuration"]) == Set(DocumentParser.configurationKeys))
        let prediction = try #require((defs["schemas"] as? [String: Any]).flatMap { ($0["properties"] as? [String: Any])?["prediction"] })
        #expect(properties(prediction) == Set(DocumentParser.predictionKeys))
    }
}
