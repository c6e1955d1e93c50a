import Testing
import Yams
@testable import Declarations

/// The parsing fast paths (found by `make bench`) must decide exactly as the slow paths they skip.
@Suite struct FastPathTests {
    /// Plain scalars typed without Yams' regular expressions get the type `Resolver.default` gives them.
    @Test(arguments: [
        "", "~", "null", "Null", "NULL", "nul", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "n", "y", "true", "True",
        "TRUE", "tRue", "false", "off", "Off", "OFF", "on", "On", "ON", "<<", "<", "=", "==",
        "0", "1", "-1", "+1", "01", "0o17", "0x1F", "0x1g", "0b101", "1_000", "1:20", "190:20:30", "-", "+", ".", "-.",
        "1.5", ".5", "-.5", "1e3", "1.0e+3", "1.0e", "-.inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", ".nAn",
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-1-1", "12:30:45",
        "sha256:1111111111111111111111111111111111111111111111111111111111111111", "Release 1 of bench/m00001",
        "object", "string", "text", "number", "integer", "type", "output", "1 2", "3 apples", "-1-2", "+-1",
    ])
    func implicitKindMatchesTheDefaultResolver(_ text: String) {
        #expect(NodeReader.implicitKind(text) == Resolver.default.resolveTag(of: Node(text)))
    }

    struct NestingCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let deep = String(repeating: "[", count: 65)
    static let nestingCases: [NestingCase] = [
        .init(name: "empty", text: ""),
        .init(name: "plain", text: "model: a/b\nversions:\n  - release_notes: x\n"),
        .init(name: "deep brackets", text: "a: \(deep)\n"),
        .init(name: "deep brackets after non-ASCII", text: "a: é€😀 \(deep)\n"),
        .init(name: "deep brackets in quotes", text: "a: \"\(deep)\"\n"),
        .init(name: "deep brackets in a comment", text: "a: 1 # \(deep)\n"),
        .init(name: "hash without space is not a comment", text: "a: 1#\(deep)\n"),
        .init(name: "brackets across lines", text: String(repeating: "[\n", count: 65)),
        .init(name: "brackets closed in between", text: String(repeating: "[]\n", count: 200)),
        .init(name: "CRLF lines are one line to split(separator:)", text: String(repeating: "a: [ # x\r\n", count: 70)),
        .init(name: "CRLF brackets", text: String(repeating: "[\r\n", count: 70)),
        .init(name: "deep indentation", text: String(repeating: " ", count: 513) + "a: 1\n"),
        .init(name: "indentation at the limit", text: String(repeating: " ", count: 512) + "a: 1\n"),
        .init(name: "compact lists", text: String(repeating: "- ", count: 65) + "x\n"),
        .init(name: "compact lists at the limit", text: String(repeating: "- ", count: 64) + "x\n"),
        .init(name: "quote left open", text: "a: 'x\nb: \(deep)\n"),
        .init(name: "tab before a comment", text: "a: 1\t# \(deep)\n"),
    ]

    /// The byte-level check finds a problem exactly when the scalar walk does, and the result is the walk's.
    @Test(arguments: nestingCases)
    func nestingFastPathAgreesWithTheWalk(_ testCase: NestingCase) {
        let exact = TextChecks.exactNestingProblem(testCase.text, maxDepth: 64)
        let bytes = Array(testCase.text.utf8)
        let fast = bytes.withUnsafeBufferPointer { TextChecks.hasNestingProblem($0, maxDepth: 64) }
        #expect(fast == (exact != nil))
        let result = TextChecks.nestingProblem(testCase.text, maxDepth: 64)
        #expect(result?.line == exact?.line)
        #expect(result?.column == exact?.column)
        #expect(result?.message == exact?.message)
    }

    /// Valid UTF-8 takes the fast path; invalid bytes and NUL are still found where they are.
    @Test func encodingProblemsAreStillLocated() {
        #expect(TextChecks.encodingProblem(Array("a: é€😀\n".utf8)) == nil)
        #expect(TextChecks.encodingProblem(Array("a: 1\nb: x".utf8) + [0xFF])?.line == 2)
        #expect(TextChecks.encodingProblem(Array("a: 1\nb: ".utf8) + [0])?.column == 4)
        #expect(TextChecks.encodingProblem([0xED, 0xA0, 0x80]) != nil)
    }
}
