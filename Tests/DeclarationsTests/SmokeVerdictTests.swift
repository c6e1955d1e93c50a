import JSONSchema
import Testing
import WriftAIModels
@testable import Declarations

/// How a smoke check is judged from its prediction: one row per way to pass or fail.
@Suite struct SmokeVerdictTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var status: PredictionStatus = .succeeded
        var output: JSONValue? = ["label": "positive", "score": 0.9]
        var error: PredictionError?
        var elapsed: Duration = .seconds(3)
        var expected: JSONValue?
        let verdict: SmokeVerdict
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "succeeded with a valid output", verdict: .passed),
        Case(name: "succeeded with the expected output, compared as JSON", output: ["score": 0.9, "label": "positive"],
             expected: ["label": "positive", "score": 0.9], verdict: .passed),
        Case(name: "a different output than expected", expected: ["label": "negative", "score": 0.9],
             verdict: .failed(#"prediction p-7's output differs from expect_output: expected {"label":"negative","score":0.9}, found {"label":"positive","score":0.9}"#)),
        Case(name: "an output that violates the schema", output: ["label": "positive", "score": 1.4, "extra": 1],
             verdict: .failed("prediction p-7's output does not match the output schema: /score: 1.4 is more than the maximum 1")),
        Case(name: "several violations", output: ["score": "high"],
             verdict: .failed(#"prediction p-7's output does not match the output schema: (root): missing the required property "label" (and 1 more)"#)),
        Case(name: "no output", output: nil,
             verdict: .failed("prediction p-7's output does not match the output schema: (root): expected an object, found null")),
        Case(name: "failed", status: .failed, output: nil, error: PredictionError(source: .external, message: "CUDA out of memory"),
             verdict: .failed("prediction p-7 ended failed: CUDA out of memory (external error)")),
        Case(name: "abandoned without an error", status: .abandoned, output: nil, verdict: .failed("prediction p-7 ended abandoned")),
        // Before, the error of a prediction that said both was ignored, and the case passed.
        Case(name: "succeeded, with an error", error: PredictionError(source: .internal, message: "the output was cut short"),
             verdict: .failed("prediction p-7 ended succeeded, but with an error: the output was cut short (internal error)")),
        Case(name: "still running at the deadline", status: .started, output: nil, elapsed: .seconds(30),
             verdict: .failed("prediction p-7 did not finish within 12.5 s (max_seconds); it was still started")),
        Case(name: "an unknown status is not an end", status: .unknown("warming"), output: nil,
             verdict: .failed("prediction p-7 did not finish within 12.5 s (max_seconds); it was still warming")),
        Case(name: "succeeded too late", elapsed: .seconds(14), verdict: .failed("prediction p-7 took 14 s, more than its 12.5 s (max_seconds)")),
    ]

    @Test(arguments: cases)
    func judges(_ item: Case) throws {
        let schema = try JSONSchemaValidator([
            "type": "object", "required": ["label"],
            "properties": ["label": ["enum": ["positive", "negative"]], "score": ["type": "number", "maximum": 1]],
        ])
        let check = SmokeCheck(
            origin: .version(index: 0), input: ["text": "hi"], timeLimit: .milliseconds(12_500), expectedOutput: item.expected,
            location: SourceLocation(file: "f.yaml", line: 9, column: 9))
        let prediction = Prediction(
            id: "p-7", status: item.status, model: .init(owner: "acme", name: "x", versionNumber: 2),
            output: item.output, error: item.error, createdAt: "t")
        #expect(check.verdict(for: prediction, elapsed: item.elapsed, outputSchema: schema) == item.verdict)
    }

    /// The API's output is quoted with its path cut to 80 characters: a key in it can be of any length.
    @Test func aViolationUnderALongKeyIsShortened() throws {
        let key = String(repeating: "k", count: 100_000)
        let schema = try JSONSchemaValidator(["additionalProperties": ["type": "string"]])
        let check = SmokeCheck(
            origin: .version(index: 0), input: [:], timeLimit: .seconds(10), expectedOutput: nil,
            location: SourceLocation(file: "f.yaml", line: 9, column: 9))
        let prediction = Prediction(
            id: "p-7", status: .succeeded, model: .init(owner: "acme", name: "x", versionNumber: 2),
            output: .object([key: 1]), error: nil, createdAt: "t")
        #expect(check.verdict(for: prediction, elapsed: .seconds(1), outputSchema: schema)
            == .failed("prediction p-7's output does not match the output schema: /\(String(repeating: "k", count: 79))…: expected a string, found the number 1"))
    }
}
