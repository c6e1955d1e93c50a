import Testing
import WriftSyncTesting
@testable import Declarations

/// One fixture per error: the exact `file:line:column: message` a user sees.
@Suite struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "YAML syntax", yaml: "model: acme/x\nversions: [\n", expected: [
            "f.yaml:3:1: YAML syntax error: while parsing a flow node at 3:1: did not find expected node content",
        ]),
        Case(name: "missing model and versions", yaml: "prune: true\n", expected: [
            "f.yaml:1:1: missing required key 'model' (OWNER/NAME)",
            "f.yaml:1:1: missing required key 'versions' (a list, oldest first; [] for none)",
        ]),
        Case(name: "wrong types", yaml: "model: acme/x\nprune: maybe\nkeep: [0, two]\nversions: {}\n", expected: [
            "f.yaml:2:8: 'prune' must be true or false, found a string \"maybe\"",
            "f.yaml:3:8: 'keep' must hold positive whole numbers, found a number (0)",
            "f.yaml:3:11: 'keep' must hold positive whole numbers, found a string \"two\"",
            "f.yaml:4:11: 'versions' must be a list, found a mapping",
        ]),
        // YAML 1.1 reads 010 as 8, YAML 1.2 (most editors) as 10: `keep` protected another version than meant.
        Case(name: "keep numbers with a leading zero", yaml: "model: acme/x\nkeep: [010, 012, 0o12, 10, 08]\nversions: []\n", expected: [
            "f.yaml:2:8: 'keep' holds 010, which YAML 1.1 reads as the octal 8 and YAML 1.2 as a decimal: write it without the leading zero (or as 0o10 for 8)",
            "f.yaml:2:13: 'keep' holds 012, which YAML 1.1 reads as the octal 10 and YAML 1.2 as a decimal: write it without the leading zero (or as 0o12 for 10)",
            "f.yaml:2:28: 'keep' holds 08, which YAML 1.1 reads as octal, where 8 and 9 are no digits: write it without the leading zero",
        ]),
        // "must be a string, found a string" said nothing of what to do.
        Case(name: "a date where text is wanted", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: 2024-06-01\n    schemas: {prediction: {input: {}, output: {}}}\n", expected: [
            "f.yaml:4:20: 'release_notes' must be a string, found a date (2024-06-01), which YAML reads as a timestamp: quote it for text",
        ]),
        // YAML 1.1's yes/no/on/off: booleans to this reader, text to YAML 1.2 editors.
        Case(name: "booleans only YAML 1.1 has, in a schema", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas: {prediction: {input: {additionalProperties: false}, output: {enum: [yes, \"no\", On]}}}\n", expected: [
            "f.yaml:5:82: 'schemas.prediction.output': yes is a boolean to YAML 1.1 and text to YAML 1.2: write true or false, or quote it (\"yes\") for text",
        ]),
        Case(name: "unknown keys with suggestions", yaml: "model: acme/x\nprnue: true\nversions:\n  - container_image_digest: \"\(digestA)\"\n    relase_notes: x\n    schemas: {prediction: {input: {}, output: {}}}\n    zzz: 1\n", expected: [
            "f.yaml:2:1: unknown key 'prnue' in a model declaration; did you mean 'prune'?",
            "f.yaml:4:5: missing required key 'release_notes' in a version",
            "f.yaml:5:5: unknown key 'relase_notes' in a version; did you mean 'release_notes'?",
            "f.yaml:7:5: unknown key 'zzz' in a version (allowed: container_image_digest, release_notes, schemas, schemas_file, compatibilities, configuration, smoke)",
        ]),
        Case(name: "bad model name, digest and policy", yaml: "model: acme\non_immutable_change: ignore\nversions:\n  - container_image_digest: sha256:abc\n    release_notes: x\n    schemas: {prediction: {input: {}, output: {}}}\n", expected: [
            "f.yaml:1:8: 'model' must be OWNER/NAME (letters, digits, '.', '_' and '-', each part starting with a letter or digit), found \"acme\"",
            "f.yaml:2:22: 'on_immutable_change' must be warn or replace, found \"ignore\"",
            "f.yaml:4:29: 'container_image_digest' must match ^sha256:[a-f0-9]{64}$, found \"sha256:abc\"",
        ]),
        Case(name: "out-of-order policy", yaml: "model: acme/x\non_out_of_order: later\nversions: []\n", expected: [
            "f.yaml:2:18: 'on_out_of_order' must be hold, recreate or allow, found \"later\"",
        ]),
        Case(name: "release notes too long", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: \(String(repeating: "n", count: 256))\n    schemas: {prediction: {input: {}, output: {}}}\n", expected: [
            "f.yaml:4:20: 'release_notes' is 256 characters (Unicode code points, as the API counts them); the limit is 255",
        ]),
        Case(name: "schemas shape", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas: {prediction: {input: [1], outptu: {}}}\n", expected: [
            "f.yaml:5:27: missing required key 'output' in 'schemas.prediction'",
            "f.yaml:5:35: 'schemas.prediction.input' must be a JSON Schema object, found a list",
            "f.yaml:5:40: unknown key 'outptu' in 'schemas.prediction'; did you mean 'output'?",
        ]),
        Case(name: "schemas and schemas_file together", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas: {prediction: {input: {}, output: {}}}\n    schemas_file: s.json\n", expected: [
            "f.yaml:6:5: give either 'schemas' (at f.yaml:5:5) or 'schemas_file', not both",
        ]),
        Case(name: "configuration and compatibilities", yaml: "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas: {prediction: {input: {}, output: {}}}\n    compatibilities: {openai_chat: true, anthropic_messages: yes please}\n    configuration: {variable_names: [OK, 9BAD, OK]}\n", expected: [
            "f.yaml:6:23: unknown key 'openai_chat' in 'compatibilities' (allowed: openai_chat_completions, openai_embeddings, openai_images_generations, openai_responses, anthropic_messages)",
            "f.yaml:6:62: 'anthropic_messages' must be true or false, found a string \"yes please\"",
            "f.yaml:7:20: missing required key 'hardware_identifier' in 'configuration'",
            "f.yaml:7:42: 'variable_names' entries must match ^[A-Za-z_][A-Za-z0-9_]*$, found \"9BAD\"",
            "f.yaml:7:48: variable 'OK' is listed twice",
        ]),
        Case(name: "duplicate key", yaml: "model: acme/x\nmodel: acme/y\nversions: []\n", expected: [
            "f.yaml:1:1: duplicate key 'model' in a mapping",
        ]),
        Case(name: "same digest twice", yaml: "model: acme/x\nversions:\n\(versionYAML())\n\(versionYAML(notes: "again"))\n", expected: [
            "f.yaml:10:5: digest sha256:aaaaaaaaaaaa… is declared twice in acme/x (first at f.yaml:3:5)",
        ]),
        Case(name: "document is not a mapping", yaml: "- just\n- a list\n", expected: [
            "f.yaml:1:1: a declaration must be a mapping, found a list",
        ]),
    ]

    @Test(arguments: cases)
    func reports(_ item: Case) {
        #expect(diagnostics(["f.yaml": item.yaml]) == item.expected)
    }

    /// Release notes are counted in Unicode code points, as the API counts them (and refuses past 255 with a
    /// 422 at apply): not in Swift's characters, which join a combining accent or an emoji sequence into one.
    @Test(arguments: [
        ("255 letters", String(repeating: "n", count: 255), nil),
        ("200 e + combining acute: 200 characters, 400 code points", String(repeating: "e\u{0301}", count: 200), 400),
        ("255 precomposed é", String(repeating: "\u{E9}", count: 255), nil),
        ("128 e + combining acute: 256 code points", String(repeating: "e\u{0301}", count: 128), 256),
        ("37 families of four (7 code points each)", String(repeating: "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}", count: 37), 259),
        ("36 families of four", String(repeating: "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}", count: 36), nil),
        ("128 flags (2 code points each)", String(repeating: "\u{1F1FA}\u{1F1F8}", count: 128), 256),
    ] as [(String, String, Int?)])
    func releaseNotesAreCountedInCodePoints(_ name: String, _ notes: String, _ reported: Int?) {
        let yaml = "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: \"\(notes)\"\n    schemas: {prediction: {input: {}, output: {}}}\n"
        let expected = reported.map { ["f.yaml:4:20: 'release_notes' is \($0) characters (Unicode code points, as the API counts them); the limit is 255"] } ?? []
        #expect(diagnostics(["f.yaml": yaml]) == expected, "\(name)")
    }

    /// Yams refuses a repeated key only when its tag matches too; a key text repeated under another tag was
    /// accepted, the first silently winning. (A plain and a quoted key are the same to Yams already.)
    @Test(arguments: [
        ("a tagged repeat", "model: acme/x\nprune: false\n!x prune: true\nversions: []\n",
         ["f.yaml:2:1: duplicate key 'prune' in a mapping (again at f.yaml:3:1)"]),
        ("three times, reported once", "model: acme/x\nversions: []\nkeep: [1]\n!a keep: [2]\n!b keep: [3]\n",
         ["f.yaml:3:1: duplicate key 'keep' in a mapping (again at f.yaml:4:1)"]),
        ("in a version", "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: a\n    !x release_notes: b\n    schemas: {prediction: {input: {}, output: {}}}\n",
         ["f.yaml:4:5: duplicate key 'release_notes' in a mapping (again at f.yaml:5:5)"]),
        ("in a schema", "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: a\n    schemas: {prediction: {input: {type: object, !t type: string}, output: {}}}\n",
         ["f.yaml:5:36: duplicate key 'type' in a mapping (again at f.yaml:5:50)"]),
        ("a plain and a quoted key in a schema, refused by Yams", "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: a\n    schemas: {prediction: {input: {properties: {1: {}, \"1\": {}}}, output: {}}}\n",
         ["f.yaml:5:49: duplicate key '1' in a mapping"]),
    ])
    func aKeyRepeatedUnderAnotherTagIsADuplicate(_ name: String, _ yaml: String, _ expected: [String]) {
        #expect(diagnostics(["f.yaml": yaml]) == expected, "\(name)")
    }

    @Test func theSameModelInTwoFilesNamesBothPlaces() {
        let body = "model: acme/x\nversions: []\n"
        #expect(diagnostics(["models/a.yaml": body, "models/b.yaml": "# comment\n" + body]) == [
            "models/a.yaml:1:8: model 'acme/x' is declared more than once (also at models/b.yaml:2:8)",
            "models/b.yaml:2:8: model 'acme/x' is declared more than once (also at models/a.yaml:1:8)",
        ])
    }

    @Test func everyProblemInEveryFileIsReportedAtOnce() {
        let result = diagnostics(["models/a.yaml": "model: acme/a\nprune: 1\nversions: []\n", "models/b.yaml": "model: b\nversions: []\n"])
        #expect(result.count == 2)
        #expect(result[0].hasPrefix("models/a.yaml:2:8:"))
        #expect(result[1].hasPrefix("models/b.yaml:1:8:"))
    }

    static func schemaFileCase(_ reference: String) -> String {
        "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas_file: \(reference)\n"
    }

    @Test func aMissingSchemasFile() {
        #expect(diagnostics(["models/a.yaml": Self.schemaFileCase("s.json")]) == [
            "models/a.yaml:5:19: schemas_file 's.json' not found at this commit (looked for models/s.json)",
        ])
    }

    @Test func aSchemasFileOutsideTheRepository() {
        #expect(diagnostics(["models/a.yaml": Self.schemaFileCase("../../etc/passwd")]) == [
            "models/a.yaml:5:19: schemas_file '../../etc/passwd' resolves outside the repository",
        ])
        #expect(diagnostics(["models/a.yaml": Self.schemaFileCase("/etc/passwd")]) == [
            "models/a.yaml:5:19: schemas_file '/etc/passwd' must be relative to the declaring file",
        ])
    }

    @Test func aSchemasFileThatIsALink() {
        #expect(diagnostics(["models/a.yaml": Self.schemaFileCase("s.json")], others: ["models/s.json": "{}"], links: ["models/s.json"]) == [
            "models/a.yaml:5:19: schemas_file 's.json': models/s.json is a symbolic link; WriftSync never follows links",
        ])
    }

    @Test func anInvalidSchemasFileReportsInsideItAndAtTheReference() {
        #expect(diagnostics(["models/a.yaml": Self.schemaFileCase("s.json")], others: ["models/s.json": "{\"prediction\": {\"input\": {}}}"]) == [
            "models/a.yaml:5:19: schemas_file 's.json' is invalid (see models/s.json)",
            "models/s.json:1:16: missing required key 'output' in 'schemas.prediction'",
        ])
    }

    @Test func invalidUTF8AndBinaryFilesAreNamedWithTheirPosition() {
        let bad: [UInt8] = Array("model: acme/x\nversions: [] # caf".utf8) + [0xE9, 0x0A]
        let result = DeclarationLoader().load([DeclarationFile(path: "m.yaml", data: bad)]) { _ in throw RepositoryFileError.notFound }
        guard case let .failure(errors) = result else { Issue.record("expected failure"); return }
        #expect(errors.description == "m.yaml:2:19: invalid UTF-8 (byte 0xE9); declarations must be UTF-8 text")
        let binary = DeclarationLoader().load([DeclarationFile(path: "b.yaml", data: [0x61, 0x00])]) { _ in throw RepositoryFileError.notFound }
        guard case let .failure(binaryErrors) = binary else { Issue.record("expected failure"); return }
        #expect(binaryErrors.description == "b.yaml:1:2: binary file (NUL byte); declarations must be UTF-8 text")
    }

    @Test func anAliasBombIsBounded() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        yaml += "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas: {prediction: {input: {bomb: *a9}, output: {}}}\n"
        // CPU time, not the wall clock's: a loaded machine's waits for a core are not steps.
        let (result, elapsed) = threadCPUTime { diagnostics(["bomb.yaml": yaml]) }
        // Refused from the event stream, before any tree is built: at the alias that crosses the limit.
        #expect(result == ["bomb.yaml:6:10: aliases expand this file to more than 200000 YAML nodes (an alias bomb?); the limit is 200000"])
        #expect(elapsed < .seconds(10), "a billion laughs must not take a billion steps")
    }

    @Test(arguments: [
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
        String(repeating: "- ", count: 10_000) + "x",
        (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " v",
    ])
    func excessiveNestingIsRefusedBeforeParsing(_ yaml: String) {
        for text in [yaml, yaml.replacingOccurrences(of: "\n", with: "\r\n")] {
            let result = diagnostics(["deep.yaml": text])
            #expect(result.count == 1)
            #expect(result.first?.contains("nesting is limited to 64 levels") == true)
        }
    }

    /// A CR LF file was one line to the text check: its problem was placed on line 1, columns counted from the
    /// file's start.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func nestingIsPlacedAtItsLineWhateverTheLineEnds(_ newline: String) {
        let yaml = ["model: acme/x", "versions: []", "x: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70)].joined(separator: newline)
        #expect(diagnostics(["f.yaml": yaml]).first?.hasPrefix("f.yaml:3:68: brackets nested 65 deep") == true, "\(diagnostics(["f.yaml": yaml]))")
    }
}
