import Testing
@testable import JSONSchema

/// ECMA-262 patterns run by ICU: the rewritten constructs mean what ECMA says.
@Suite("ECMA-262 patterns")
struct PatternTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let pattern: String
        let matching: [String]
        let notMatching: [String]
        var testDescription: String { pattern }
    }

    static let cases: [Case] = [
        Case(pattern: "^a$", matching: ["a"], notMatching: ["a\n", "ab", "\na"]),
        Case(pattern: "^\\d+$", matching: ["0123"], notMatching: ["١٢", "12a"]),
        Case(pattern: "^\\w+$", matching: ["a_Z9"], notMatching: ["é", "a-b"]),
        Case(pattern: "^\\s$", matching: [" ", "\t", "\u{FEFF}", "\u{A0}", "\u{2028}"], notMatching: ["\u{85}", "a"]),
        Case(pattern: "^\\S$", matching: ["a", "\u{85}"], notMatching: [" "]),
        Case(pattern: "^[\\d_]+$", matching: ["1_2"], notMatching: ["a"]),
        Case(pattern: "^[^\\d]$", matching: ["a"], notMatching: ["1"]),
        Case(pattern: "^[\\D]$", matching: ["a"], notMatching: ["1"]),
        Case(pattern: "^.$", matching: ["a", "\u{85}", "\u{0B}"], notMatching: ["\n", "\r", "\u{2028}"]),
        Case(pattern: "^[]$", matching: [], notMatching: ["", "a"]),
        Case(pattern: "^[^]$", matching: ["a", "\n"], notMatching: ["", "ab"]),
        Case(pattern: "^\\u{1F600}$", matching: ["😀"], notMatching: ["a"]),
        Case(pattern: "a{", matching: ["a{"], notMatching: ["a"]),
        Case(pattern: "^x{2,3}$", matching: ["xx", "xxx"], notMatching: ["x", "xxxx"]),
        Case(pattern: "^[a&&b]$", matching: ["a", "&", "b"], notMatching: ["c"]),
        Case(pattern: "^[[]$", matching: ["["], notMatching: ["a"]),
        Case(pattern: "colou?r", matching: ["my colour", "color!"], notMatching: ["colr"]),
        Case(pattern: "^(?<year>[0-9]{4})-\\k<year>$", matching: ["2026-2026"], notMatching: ["2026-2027"]),
    ]

    @Test(arguments: cases)
    func means(_ item: Case) throws {
        let pattern = try ECMAPattern(item.pattern)
        for text in item.matching { #expect(pattern.matches(text), "\(item.pattern) should match \(text.debugDescription)") }
        for text in item.notMatching { #expect(!pattern.matches(text), "\(item.pattern) should not match \(text.debugDescription)") }
    }

    @Test("patterns over the length limit are refused")
    func tooLong() {
        #expect(throws: ECMAPattern.PatternError.self) { try ECMAPattern(String(repeating: "a", count: ECMAPattern.maxLength + 1)) }
    }
}

/// `multipleOf` on the decimal values, and integers recognised by value.
@Suite("Numbers")
struct NumberTests {
    @Test(arguments: [
        (0.3, 0.1, true), (0.35, 0.1, false), (1.1, 0.1, true), (10, 0.1, true), (0.0001, 0.0001, true), (7.5, 2.5, true),
        (7.5, 2, false), (1e20, 3, false), (1e20, 5, true), (4.4, 1.1, true), (0.3, 0.2, false), (-9, 3, true), (0, 0.7, true),
        (123456789.123, 0.001, true), (1e-7, 1e-8, true), (1e-8, 1e-7, false), (2.5e300, 5e299, true),
    ] as [(Double, Double, Bool)])
    func multipleOf(_ value: Double, _ divisor: Double, _ expected: Bool) {
        #expect(JSONNumber.isMultiple(value, of: divisor) == expected)
    }

    @Test func integers() {
        #expect(JSONNumber.isInteger(1.0))
        #expect(JSONNumber.isInteger(-0.0))
        #expect(JSONNumber.isInteger(1e300))
        #expect(!JSONNumber.isInteger(1.5))
        #expect(!JSONNumber.isInteger(.infinity))
        #expect(JSONNumber.text(3.0) == "3")
        #expect(JSONNumber.text(0.1) == "0.1")
        #expect(JSONNumber.text(1e20) == "1e+20")
    }
}
