import JSONSchema
import Testing
import WriftSyncTesting
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

    /// Number-like text typed by hand (``YAMLNumberSyntax``) gets the type the resolver's regular expressions give
    /// it, on 60,000 seeded cases: each shape the int, float and timestamp rules accept, then mutated (a
    /// character inserted, removed or replaced by one the rules care about), and free strings of those characters.
    @Test func numberLikeTextIsTypedExactlyAsTheResolverTypesIt() {
        let shapes = [
            "0", "-0", "+7", "1_000", "0b1_01", "-0b1", "017", "0o17", "0_7", "0x1F_a", "+0xff", "190:20:30", "-1:59",
            "1.5", "1.", "-1.5e10", "1e3", "1E-3", "1.0e+3", "08", "0_9.5", ".5", "._1", ".5e+3", ".5e3", "190:20:30.15",
            "1:5.", "-.inf", "+.Inf", ".INF", ".nan", ".NaN", ".NAN", "2001-12-14", "2001-1-1T1:02:03", "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5", "2001-12-14\t\t21:59:43Z", "2001-12-14T21:59:43.1 Z", "2002-12-14 21:59:43 +05:30",
        ]
        let alphabet = Array("0123456789_-+.:eEbox abfxAFTtZ\tinfaINFN\u{00E9}\n")
        var disagreements: [String] = []
        var seen: [Yams.Tag.Name: Int] = [:]
        for index in 0..<60_000 {
            var random = SplitMix64.forCase(index, seed: 0x59_414D_4C)
            var text: [Character]
            if random.chance(0.2) {
                text = (0..<(1 + random.below(14))).map { _ in random.pick(alphabet) }
            } else {
                text = Array(random.pick(shapes))
                for _ in 0..<random.below(3) {
                    let position = random.below(text.count + 1)
                    switch random.below(3) {
                    case 0: text.insert(random.pick(alphabet), at: position)
                    case 1: if position < text.count { text.remove(at: position) }
                    default: if position < text.count { text[position] = random.pick(alphabet) }
                    }
                }
            }
            let string = String(text)
            guard let first = string.utf8.first, "+-.0123456789".utf8.contains(first) else { continue }
            let expected = Resolver.default.resolveTag(of: Node(string))
            seen[expected, default: 0] += 1
            if NodeReader.implicitKind(string) != expected, disagreements.count < 10 {
                disagreements.append("\(string.debugDescription): \(NodeReader.implicitKind(string).rawValue), the resolver says \(expected.rawValue)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
        // Every rule is exercised both ways: matched, and missed by a character.
        for kind in [Yams.Tag.Name.int, .float, .timestamp, .str] {
            #expect(seen[kind, default: 0] >= 1_000, "only \(seen[kind, default: 0]) cases typed \(kind.rawValue)")
        }
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
