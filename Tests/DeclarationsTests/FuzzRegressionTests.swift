import Testing
@testable import Declarations

/// Bugs the fuzzer found, one test each: every diagnostic must be one line of `file:line:column: message`
/// with the place inside the file.
@Suite struct FuzzRegressionTests {
    /// libyaml places an error at the end of a file without a final line break on the next line, which
    /// does not exist; it is reported at the end of the last line instead.
    @Test(arguments: [
        ("model: acme/x\nversions: [", "f.yaml:2:12: YAML syntax error: while parsing a flow node at 2:12: did not find expected node content"),
        ("model: acme/x\r\nversions: {a", "f.yaml:2:13: YAML syntax error: while parsing a flow mapping at 2:11: did not find expected ',' or '}'"),
        ("model: acme/x\nversions: [\n", "f.yaml:3:1: YAML syntax error: while parsing a flow node at 3:1: did not find expected node content"),
    ])
    func aSyntaxErrorAtTheEndOfTheFileIsPlacedInsideIt(_ yaml: String, _ expected: String) {
        #expect(diagnostics(["f.yaml": yaml]) == [expected])
    }

    /// A value quoted back in a message may hold line breaks (a block scalar, an escaped quoted string):
    /// they are escaped, so the diagnostic stays on one line.
    @Test func aMultiLineValueIsEscapedInTheMessage() {
        #expect(diagnostics(["f.yaml": "model: acme/x\nkeep: |\n  block\n  text\nversions: []\n"]) == [
            "f.yaml:2:7: 'keep' must be a list, found a string \"block\\ntext\\n\"",
        ])
        #expect(diagnostics(["f.yaml": "model: \"acme/x\\r\\ny\\u2028\"\nversions: []\n\"bad\\tkey\": 1\n"]) == [
            "f.yaml:1:8: 'model' must be OWNER/NAME (letters, digits, '.', '_' and '-', each part starting with a letter or digit), found \"acme/x\\r\\ny\\u{2028}\"",
            "f.yaml:3:1: unknown key 'bad\\tkey' in a model declaration (allowed: model, prune, allow_empty, keep, suspend, on_immutable_change, on_out_of_order, versions, smoke_defaults)",
        ])
    }

    /// libyaml places a bad character by byte offset; the column counts characters, as every other column
    /// does (here a byte order mark, which YAML refuses inside a file, after a two-byte `é`).
    @Test func aControlCharacterIsPlacedByCharactersNotBytes() {
        #expect(diagnostics(["f.yaml": "model: acme/x\nversions: [] # é\u{FEFF}\u{1A}\n"]) == [
            "f.yaml:2:17: cannot read YAML: control characters are not allowed",
        ])
    }

    /// git allows a line break in a file name; the rendering escapes it too.
    @Test func aLineBreakInAFileNameIsEscaped() {
        #expect(diagnostics(["models/a\nb.yaml": "model: x\nversions: []\n"]).first?.hasPrefix("models/a\\nb.yaml:1:8: 'model' must be OWNER/NAME") == true)
    }

    /// A long wrong value is quoted back shortened, not whole (it may be up to the file size cap).
    @Test func aLongWrongValueIsShortenedInTheMessage() {
        let digest = "sha256:" + String(repeating: "z", count: 10_000)
        let yaml = "model: acme/x\nversions:\n  - container_image_digest: \(digest)\n    release_notes: x\n    schemas: {prediction: {input: {}, output: {}}}\n"
        let result = diagnostics(["f.yaml": yaml])
        #expect(result == ["f.yaml:3:29: 'container_image_digest' must match ^sha256:[a-f0-9]{64}$, found \"sha256:\(String(repeating: "z", count: 73))…\""])
    }

    /// A 100 KB key or value quoted back in full made a 100,199-character line: every place a diagnostic
    /// quotes text from the file cuts it to 80 characters (40 in "found a string").
    @Test(arguments: [
        ("an unknown key", "model: acme/x\nversions: []\n? \(long)\n: 1\n",
         "f.yaml:3:3: unknown key '\(cut)' in a model declaration (allowed: model, prune, allow_empty, keep, suspend, on_immutable_change, on_out_of_order, versions, smoke_defaults)"),
        ("a duplicate key", "model: acme/x\nversions: []\n? \(long)\n: 1\n? \(long)\n: 2\n",
         "f.yaml:3:3: duplicate key '\(cut)' in a mapping"),
        ("a number where a string belongs", "model: \(String(repeating: "1", count: 100_000))\nversions: []\n",
         "f.yaml:1:8: 'model' must be a string, found a number (\(String(repeating: "1", count: 80))…)"),
        ("a string where a list belongs", "model: acme/x\nversions: \(long)\n",
         "f.yaml:2:11: 'versions' must be a list, found a string \"\(String(repeating: "k", count: 40))…\""),
        ("a number out of range in a schema", FuzzRegressionTests.version(schemas: "{prediction: {input: {maximum: \(String(repeating: "9", count: 100_000))}, output: {}}}"),
         "f.yaml:5:45: 'schemas.prediction.input': the number \(String(repeating: "9", count: 80))… is out of range"),
        ("a variable listed twice", FuzzRegressionTests.version(extra: "    configuration: {hardware_identifier: cpu, variable_names: [\(long), \(long)]}\n"),
         "f.yaml:6:100066: variable '\(cut)' is listed twice"),
        ("a schemas_file not found", FuzzRegressionTests.version(schemas: nil, extra: "    schemas_file: \(long)\n"),
         "f.yaml:5:19: schemas_file '\(cut)' not found at this commit (looked for \(cut))"),
        ("a smoke input's violation under a long key", FuzzRegressionTests.version(schemas: "{prediction: {input: {additionalProperties: {type: string}}, output: {}}}", extra: "    smoke:\n      - input:\n          ? \(long)\n          : 1\n"),
         "f.yaml:9:13: smoke case 1: the input does not match the version's input schema: /\(String(repeating: "k", count: 79))…: expected a string, found the number 1"),
    ])
    func aLongValueQuotedInADiagnosticIsShortened(_ place: String, _ yaml: String, _ expected: String) {
        let result = diagnostics(["f.yaml": yaml])
        #expect(result == [expected], "\(place): \(result.map { $0.prefix(300) })")
    }

    static let long = String(repeating: "k", count: 100_000)
    static let cut = String(repeating: "k", count: 80) + "…"

    /// A version (indented for `versions:`, which is line 2) with `schemas` as given (line 5), then `extra`.
    static func version(schemas: String? = "{prediction: {input: {}, output: {}}}", extra: String = "") -> String {
        "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n"
            + (schemas.map { "    schemas: \($0)\n" } ?? "") + extra
    }

    /// Yams' constructors multiply base-60 numbers without overflow checks: twelve groups trapped (SIGILL)
    /// wherever a number was read. Numbers are read by `YAMLNumber` instead (table: `NumberTests`).
    @Test(arguments: [
        ("model: acme/x\nkeep:\n  - 1:0:0:0:0:0:0:0:0:0:0:0\nversions: []\n",
         "f.yaml:3:5: 'keep' must hold positive whole numbers, found a number (1:0:0:0:0:0:0:0:0:0:0:0), which is out of range"),
        ("model: acme/x\nversions: []\nsmoke_defaults: {max_seconds: 99:0:0:0:0:0:0:0:0:0:0}\n",
         "f.yaml:3:31: 'max_seconds' must be a number above 0 and at most 3600, found a number (99:0:0:0:0:0:0:0:0:0:0)"),
        ("model: acme/x\nversions: []\nsmoke_defaults: {cases: [{input: {n: -9223372036854775807:59}}]}\n",
         "f.yaml:3:38: 'smoke_defaults.cases.input': the number -9223372036854775807:59 is out of range"),
    ])
    func aBaseSixtyNumberThatOverflowsIsReportedNotATrap(_ yaml: String, _ expected: String) {
        #expect(diagnostics(["f.yaml": yaml]) == [expected])
    }
}
