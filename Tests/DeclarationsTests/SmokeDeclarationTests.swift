import Foundation
import JSONSchema
import Testing
import WriftAIModels
@testable import Declarations

/// `smoke` cases of versions and `smoke_defaults` of models: how they load, which checks each version
/// gets, and every problem `validate` reports at its line and column.
@Suite struct SmokeDeclarationTests {
    /// A version entry with a real input schema (`prompt` required, a string; nothing else allowed) and
    /// an object output schema; `smoke` is inserted as given, indented for a version.
    static func version(_ digest: String = digestA, smoke: String? = nil) -> String {
        var text = """
              - container_image_digest: "\(digest)"
                release_notes: "r"
                schemas:
                  prediction:
                    input: {type: object, required: [prompt], additionalProperties: false, properties: {prompt: {type: string}, temperature: {type: number, maximum: 2}}}
                    output: {type: object, required: [label], properties: {label: {enum: [positive, negative]}}}
            """
        if let smoke { text += "\n" + smoke }
        return text
    }

    @Test func casesLoadAndEachVersionGetsItsOwnOrTheModelsDefaultChecks() throws {
        let yaml = """
            model: acme/x
            smoke_defaults:
              max_seconds: 20
              cases:
                - input: {prompt: "from the defaults"}
            versions:
            \(Self.version(digestA, smoke: """
                smoke:
                  - input: {prompt: "Hello", temperature: 0.5}
                    max_seconds: 5
                    expect_output: {label: positive}
                  - input:
                      prompt: "No limit of its own"
            """))
            \(Self.version(digestB))
            \(Self.version("sha256:" + String(repeating: "c", count: 64), smoke: "    smoke: []"))
            """
        let model = try #require(try load(["f.yaml": yaml]).get().first)
        #expect(model.smokeDefaults?.maxSeconds == 20)
        #expect(model.smokeDefaults?.cases?.count == 1)
        let first = model.smokeChecks(for: model.versions[0])
        #expect(first.map(\.origin) == [.version(index: 0), .version(index: 1)])
        #expect(first.map(\.input) == [["prompt": "Hello", "temperature": 0.5], ["prompt": "No limit of its own"]])
        #expect(first.map(\.timeLimit) == [.seconds(5), .seconds(20)])
        #expect(first.map(\.expectedOutput) == [["label": "positive"], nil])
        #expect(first[0].name == "smoke case 1 (f.yaml:14:9)")
        let second = model.smokeChecks(for: model.versions[1])
        #expect(second.map(\.origin) == [.modelDefaults(index: 0)])
        #expect(second.first?.name == "smoke_defaults case 1 (f.yaml:5:7)")
        #expect(second.first?.expectedOutput == nil)
        #expect(model.smokeChecks(for: model.versions[2]).isEmpty)
        #expect(model.versions[1].smoke == nil && model.versions[2].smoke == [])
    }

    @Test func withoutSmokeDefaultsTheDefaultTimeLimitAppliesAndNullCanBeExpected() throws {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas: {prediction: {input: {}, output: {type: [string, "null"]}}}
                smoke:
                  - input: {}
                    expect_output: null
                  - input: {}
                    max_seconds: 1.5
            """
        let model = try #require(try load(["f.yaml": yaml]).get().first)
        let checks = model.smokeChecks(for: model.versions[0])
        #expect(checks.map(\.timeLimit) == [.seconds(60), .milliseconds(1500)])
        #expect(checks.map(\.expectedOutput) == [.some(.null), nil])
        #expect(SmokeCheck.defaultMaxSeconds == 60)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let smoke: String
        let expected: [String]
        var testDescription: String { name }
    }

    /// Each `smoke` is indented for a version that starts on line 3: `smoke:` is on line 9, its first case
    /// on line 10.
    static let cases: [Case] = [
        Case(name: "wrong type deep in the input", smoke: """
                smoke:
                  - input:
                      prompt: 3
            """, expected: [
            "f.yaml:11:19: smoke case 1: the input does not match the version's input schema: /prompt: expected a string, found the number 3",
        ]),
        Case(name: "missing property, at the input", smoke: """
                smoke:
                  - input: {temperature: 1}
            """, expected: [
            #"f.yaml:10:16: smoke case 1: the input does not match the version's input schema: (root): missing the required property "prompt""#,
        ]),
        Case(name: "unexpected property and a bound, each at its value", smoke: """
                smoke:
                  - max_seconds: 10
                    input:
                      prompt: ok
                      temperature: 2.5
                      seed: 1
            """, expected: [
            "f.yaml:13:24: smoke case 1: the input does not match the version's input schema: /temperature: 2.5 is more than the maximum 2",
            #"f.yaml:14:17: smoke case 1: the input does not match the version's input schema: /seed: the property "seed" is not allowed (additionalProperties is false)"#,
        ]),
        Case(name: "expect_output against the output schema", smoke: """
                smoke:
                  - input: {prompt: ok}
                  - input: {prompt: ok}
                    expect_output: {label: maybe}
            """, expected: [
            #"f.yaml:12:32: smoke case 2: expect_output does not match the version's output schema: /label: "maybe" is not one of "positive", "negative""#,
        ]),
        Case(name: "not a list", smoke: "    smoke: {input: {}}", expected: [
            "f.yaml:9:12: 'smoke' must be a list, found a mapping",
        ]),
        Case(name: "case shape", smoke: """
                smoke:
                  - max_seconds: 0
                  - input: [prompt]
                    max_seconds: fast
                  - input: {prompt: x}
                    expected_output: 1
                    max_seconds: 4000
            """, expected: [
            "f.yaml:10:9: missing required key 'input' in a smoke case (the prediction's input, a mapping)",
            "f.yaml:10:22: 'max_seconds' must be a number above 0 and at most 3600, found a number (0)",
            "f.yaml:11:16: a smoke case's 'input' must be a mapping (the prediction's input object), found a list",
            #"f.yaml:12:22: 'max_seconds' must be a number above 0 and at most 3600, found a string "fast""#,
            "f.yaml:14:9: unknown key 'expected_output' in a smoke case; did you mean 'expect_output'?",
            "f.yaml:15:22: 'max_seconds' must be a number above 0 and at most 3600, found a number (4000)",
        ]),
        Case(name: "too many cases", smoke: "    smoke:\n" + String(repeating: "      - input: {prompt: x}\n", count: 26), expected: [
            "f.yaml:10:7: 'smoke' lists 26 cases; the limit is 25 (each is a prediction on every new version)",
        ]),
    ]

    @Test(arguments: cases)
    func reports(_ item: Case) {
        let yaml = "model: acme/x\nversions:\n" + Self.version(smoke: item.smoke) + "\n"
        #expect(diagnostics(["f.yaml": yaml]) == item.expected)
    }

    /// A case without `expect_output` has its output checked against the output schema: one the validator cannot
    /// use is a problem of the declaration, found by `validate`, not by a rollback once the version is live.
    @Test func anOutputSchemaThatCannotBeUsedIsReportedForCasesCheckingAgainstIt() {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas:
                  prediction:
                    input: {type: object}
                    output: {type: object, unevaluatedProperties: false}
                smoke:
                  - input: {prompt: ok}
                  - input: {prompt: ok}
                    expect_output: {}

            """
        let reported = diagnostics(["f.yaml": yaml])
        #expect(reported.count == 2, "\(reported)")
        #expect(reported.first?.hasPrefix("f.yaml:10:16: smoke case 1: its output cannot be checked: the version's output schema is not usable:") == true, "\(reported)")
        #expect(reported.last?.contains("smoke case 2: expect_output cannot be checked") == true, "\(reported)")
    }

    @Test func defaultCasesAreCheckedAgainstEveryVersionTheyRunOn() {
        let otherSchema = """
              - container_image_digest: "\(digestB)"
                release_notes: "takes a number"
                schemas:
                  prediction:
                    input: {type: object, properties: {prompt: {type: number}}}
                    output: {type: string}
            """
        let yaml = """
            model: acme/x
            smoke_defaults:
              max_seconds: 0.5
              cases:
                - input: {prompt: hello}
                  expect_output: {label: positive}
              cadence: 3
            versions:
            \(Self.version())
            \(otherSchema)
            \(Self.version("sha256:" + String(repeating: "c", count: 64), smoke: "    smoke: []"))

            """
        #expect(diagnostics(["f.yaml": yaml]) == [
            #"f.yaml:5:23: smoke_defaults case 1: the input does not match the input schema of the version sha256:bbbbbbbbbbbb… (f.yaml:15:5): /prompt: expected a number, found the string "hello""#,
            #"f.yaml:6:22: smoke_defaults case 1: expect_output does not match the output schema of the version sha256:bbbbbbbbbbbb… (f.yaml:15:5): (root): expected a string, found an object with 1 property"#,
            "f.yaml:7:3: unknown key 'cadence' in 'smoke_defaults' (allowed: max_seconds, cases)",
        ])
    }

    @Test func smokeInputsAreCheckedAgainstSchemasFromAnotherFile() {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas_file: schemas/x.json
                smoke:
                  - input: {prompt: 7}
            """
        let schemas = #"{"prediction": {"input": {"type": "object", "properties": {"prompt": {"type": "string"}}}, "output": {}}}"#
        #expect(diagnostics(["models/x.yaml": yaml], others: ["models/schemas/x.json": schemas]) == [
            "models/x.yaml:7:25: smoke case 1: the input does not match the version's input schema: /prompt: expected a string, found the number 7",
        ])
    }

    @Test func anUnusableInputSchemaIsReportedWhenSmokeCasesNeedIt() {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas: {prediction: {input: {type: int}, output: {}}}
                smoke:
                  - input: {}
              - container_image_digest: "\(digestB)"
                release_notes: "no smoke, no check"
                schemas: {prediction: {input: {type: int}, output: {}}}
            """
        #expect(diagnostics(["f.yaml": yaml]) == [
            #"f.yaml:7:16: smoke case 1: the input cannot be checked: the version's input schema is not usable: /type: unknown type "int"; the types are null, boolean, object, array, number, integer, string"#,
        ])
    }

    /// Parts are found through list items and through keys holding `/` and `~` (escaped in the pointer).
    @Test func aViolationInsideListsAndOddKeysIsPlacedAtItsValue() {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas: {prediction: {input: {additionalProperties: {items: {additionalProperties: {type: string}}}}, output: {}}}
                smoke:
                  - input:
                      "a/b":
                        - {ok: true}
                        - {"~x": "fine", "~": 5}
            """
        #expect(diagnostics(["f.yaml": yaml]) == [
            "f.yaml:9:20: smoke case 1: the input does not match the version's input schema: /a~1b/0/ok: expected a string, found the boolean true",
            "f.yaml:10:35: smoke case 1: the input does not match the version's input schema: /a~1b/1/~0: expected a string, found the number 5",
        ])
    }

    @Test func manyViolationsOfOneCaseAreListedUpToFive() {
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "r"
                schemas: {prediction: {input: {type: object, additionalProperties: false}, output: {}}}
                smoke:
                  - input: {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7}
            """
        let lines = diagnostics(["f.yaml": yaml])
        #expect(lines.count == 6)
        #expect(lines.contains("f.yaml:7:16: smoke case 1: the input: 2 more violations of the version's input schema, not listed"))
    }

    /// The editor schema documents the smoke keys exactly, and validates declarations like the loader.
    @Test func theSchemaDocumentsTheSmokeKeysAndAcceptsWhatTheLoaderAccepts() throws {
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(DeclarationSchema.json.utf8))
        let definitions = try #require(schema["$defs"])
        let keys = { (value: JSONValue?) in Set(value?["properties"]?.objectValue?.keys.map { $0 } ?? []) }
        #expect(keys(definitions["smokeCase"]) == Set(DocumentParser.smokeCaseKeys))
        #expect(keys(definitions["smokeDefaults"]) == Set(DocumentParser.smokeDefaultsKeys))

        let validator = try JSONSchemaValidator(schema)
        let declaration: JSONValue = [
            "model": "acme/x",
            "smoke_defaults": ["max_seconds": 30, "cases": [["input": ["prompt": "x"]]]],
            "versions": [[
                "container_image_digest": .string(digestA), "release_notes": "r",
                "schemas": ["prediction": ["input": ["type": "object"], "output": ["type": "string"]]],
                "smoke": [["input": ["prompt": "y"], "max_seconds": 5, "expect_output": "z"]],
            ]],
        ]
        #expect(validator.validate(declaration).isEmpty)
        var broken = declaration
        if case .object(var members) = broken {
            members["smoke_defaults"] = ["max_seconds": 0, "cases": [["expect_output": 1]]]
            broken = .object(members)
        }
        #expect(validator.validate(broken).map(\.description) == [
            #"/smoke_defaults/cases/0: missing the required property "input""#,
            "/smoke_defaults/max_seconds: 0 is not more than the exclusive minimum 0",
        ])
    }
}
