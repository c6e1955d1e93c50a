import Testing
import WriftAIModels
import Yams
@testable import Declarations

/// Numbers in declarations are read by ``YAMLNumber``, never by Yams' constructors, whose base-60 arithmetic
/// traps on overflow (`1:0:0:0:0:0:0:0:0:0:0:0` killed `validate` with SIGILL).
@Suite struct NumberTests {
    /// Twelve base-60 groups: 60^11, past 2^63. Eleven (60^10) still fit.
    static let overflowingBase60 = "1" + String(repeating: ":0", count: 11)
    static let largestBase60 = "1" + String(repeating: ":0", count: 10)

    /// YAML 1.1 as Yams' default resolver types it, with the value computed exactly or refused.
    @Test(arguments: [
        ("0", "int", YAMLNumber.whole(0)),
        ("-0", "int", .whole(0)),
        ("+12_345", "int", .whole(12_345)),
        ("0b1010", "int", .whole(10)),
        ("-0x_FF", "int", .whole(-255)),
        ("017", "int", .whole(15)),
        ("0o17", "int", .whole(15)),
        ("1:30", "int", .whole(90)),
        ("-1:0:0", "int", .whole(-3600)),
        (NumberTests.largestBase60, "int", .whole(604_661_760_000_000_000)),
        (NumberTests.overflowingBase60, "int", .outOfRange),
        ("9223372036854775807", "int", .whole(.max)),
        ("-9223372036854775808", "int", .whole(.min)),
        ("9223372036854775808", "int", .outOfRange),
        ("0x1_0000_0000_0000_0000", "int", .outOfRange),
        ("0b_", "int", .malformed),
        ("1.5", "float", .decimal(1.5)),
        ("1_000.25", "float", .decimal(1000.25)),
        ("1:30.5", "float", .decimal(90.5)),
        ("-1:30.5", "float", .decimal(-90.5)),
        ("1" + String(repeating: ":0", count: 200) + ".5", "float", .outOfRange),
        ("1e999", "float", .outOfRange),
        ("1.0e-999", "float", .decimal(0)),
        (".5e+3", "float", .decimal(500)),
        ("-.inf", "float", .notFinite),
        (".NaN", "float", .notFinite),
        ("12", "float", .whole(12)),
        ("abc", "int", .malformed),
        ("1.5", "int", .malformed),
    ])
    func scalarsReadAsTheirYAMLNumbers(_ text: String, _ kind: String, _ expected: YAMLNumber) {
        #expect(YAMLNumber(text, kind: kind == "int" ? .int : .float) == expected)
    }

    /// Every place a declaration holds a number, with a number that overflows there: each is reported at
    /// its own line and column, and nothing traps.
    @Test(arguments: [
        ("keep", "model: acme/x\nkeep:\n  - \(NumberTests.overflowingBase60)\nversions: []\n",
         "f.yaml:3:5: 'keep' must hold positive whole numbers, found a number (\(NumberTests.overflowingBase60)), which is out of range"),
        ("keep, a base-60 float", "model: acme/x\nkeep: [1:30.5]\nversions: []\n",
         "f.yaml:2:8: 'keep' must hold positive whole numbers, found a number (1:30.5)"),
        ("smoke_defaults.max_seconds", "model: acme/x\nversions: []\nsmoke_defaults:\n  max_seconds: \(NumberTests.overflowingBase60)\n",
         "f.yaml:4:16: 'max_seconds' must be a number above 0 and at most 3600, found a number (\(NumberTests.overflowingBase60))"),
        ("a smoke case's max_seconds, a huge exponent", NumberTests.version(smoke: "input: {}\n        max_seconds: 1e999"),
         "f.yaml:11:22: 'max_seconds' must be a number above 0 and at most 3600, found a number (1e999)"),
        ("a schema", NumberTests.version(input: "{type: object, maximum: \(NumberTests.overflowingBase60)}"),
         "f.yaml:7:40: 'schemas.prediction.input': the number \(NumberTests.overflowingBase60) is out of range"),
        ("a schema, a base-60 float overflowing", NumberTests.version(input: "{maximum: 1\(String(repeating: ":0", count: 200)).5}"),
         "f.yaml:7:26: 'schemas.prediction.input': the number 1\(String(repeating: ":0", count: 39)):… is out of range"),
        ("an output schema, a huge exponent", NumberTests.version(output: "{maximum: 1e999}"),
         "f.yaml:8:27: 'schemas.prediction.output': the number 1e999 is out of range"),
        ("a stream output schema", NumberTests.version(output: "{}\n        stream_output: {minimum: -\(NumberTests.overflowingBase60)}"),
         "f.yaml:9:34: 'schemas.prediction.stream_output': the number -\(NumberTests.overflowingBase60) is out of range"),
        ("a smoke input", NumberTests.version(smoke: "input: {n: \(NumberTests.overflowingBase60)}"),
         "f.yaml:10:20: 'smoke.input': the number \(NumberTests.overflowingBase60) is out of range"),
        ("a smoke input tagged !!int", NumberTests.version(smoke: "input: {n: !!int \(NumberTests.overflowingBase60)}"),
         "f.yaml:10:20: 'smoke.input': the number \(NumberTests.overflowingBase60) is out of range"),
        ("expect_output", NumberTests.version(smoke: "input: {}\n        expect_output: [\(NumberTests.overflowingBase60)]"),
         "f.yaml:11:25: 'smoke.expect_output': the number \(NumberTests.overflowingBase60) is out of range"),
        ("smoke_defaults' cases", "model: acme/x\nversions: []\nsmoke_defaults:\n  cases:\n    - input: {n: \(NumberTests.overflowingBase60)}\n",
         "f.yaml:5:18: 'smoke_defaults.cases.input': the number \(NumberTests.overflowingBase60) is out of range"),
        ("a tagged number that is none", NumberTests.version(smoke: "input: {n: !!float abc}"),
         "f.yaml:10:20: 'smoke.input': \"abc\" is tagged as a number but is not one; remove the tag or write a number"),
    ])
    func anOverflowingNumberIsReportedWhereverNumbersAreRead(_ place: String, _ yaml: String, _ expected: String) {
        #expect(diagnostics(["f.yaml": yaml]) == [expected], "\(place)")
    }

    /// A `schemas_file` holds numbers too.
    @Test func anOverflowingNumberInASchemasFileIsReportedAtItsLine() {
        let yaml = "model: acme/x\nversions:\n  - container_image_digest: \"\(digestA)\"\n    release_notes: x\n    schemas_file: s.yaml\n"
        let schemas = "prediction:\n  input: {maximum: \(Self.overflowingBase60)}\n  output: {}\n"
        #expect(diagnostics(["models/a.yaml": yaml], others: ["models/s.yaml": schemas]) == [
            "models/a.yaml:5:19: schemas_file 's.yaml' is invalid (see models/s.yaml)",
            "models/s.yaml:2:20: 'schemas.prediction.input': the number \(Self.overflowingBase60) is out of range",
        ])
    }

    /// Base 60 that fits is read as YAML 1.1 reads it, as before.
    @Test func baseSixtyThatFitsKeepsItsValue() throws {
        let yaml = "model: acme/x\nkeep: [1:30, \(Self.largestBase60)]\nversions: []\nsmoke_defaults: {max_seconds: 1:30.5}\n"
        let model = try #require(try load(["f.yaml": yaml]).get().first)
        #expect(model.keep == [90, 604_661_760_000_000_000])
        #expect(model.smokeDefaults?.maxSeconds == 90.5)
    }

    /// A version with `input` and `output` schemas as given, and `smoke` cases (each given as the text of one
    /// list item, indented for it).
    static func version(input: String = "{}", output: String = "{}", smoke: String? = nil) -> String {
        var yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: x
                schemas:
                  prediction:
                    input: \(input)
                    output: \(output)

            """
        if let smoke { yaml += "    smoke:\n      - \(smoke)\n" }
        return yaml
    }
}
