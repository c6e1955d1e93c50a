@testable import Declarations
import JSONSchema

/// Mutations of a valid declaration file's bytes, from blind (byte flips) to YAML-aware (key and type
/// swaps, indentation): the blind ones find parser edge cases, the aware ones reach the validation rules.
struct Mutator {
    enum Kind: String, CaseIterable {
        case flipByte, insertByte, deleteByte, truncate, duplicateLine, deleteLine, swapKey, swapType, reindent, insertSyntax
    }

    /// Every key the format knows, for key swaps.
    static let keys: [String] = Array(Set(
        DocumentParser.modelKeys + DocumentParser.versionKeys + DocumentParser.schemasKeys + DocumentParser.predictionKeys
            + DocumentParser.compatibilityKeys + DocumentParser.configurationKeys + ["type", "properties", "required", "items"]
    )).sorted()

    /// Values of every YAML type, for type swaps (scalar, sequence, mapping; string, number, bool, null).
    static let values = [
        "[a, b]", "[]", "{x: 1}", "{}", "\"text\"", "'single'", "plain text", "42", "-1", "0", "3.5", "1e400", ".inf", ".nan",
        "0x1F", "0o17", "true", "false", "yes", "null", "~", "", "\"\"", "!!binary aGVsbG8=", "*undefined", "&anchor x",
        "|\n  block", ">-\n  folded", "\n  - item", "\n  key: value", "2026-01-01", "99999999999999999999999",
        "\"sha256:\(String(repeating: "A", count: 64))\"", "acme/other", "OWNER/NAME/EXTRA", "\"\\u0000\"",
    ]

    /// Bytes that mean something to YAML or to UTF-8, inserted more often than chance would.
    static let interestingBytes: [UInt8] = Array("[]{}:,-?&*!|>'\"#%@`\n\t ".utf8) + [0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF, 0xEF, 0xBB]

    /// YAML syntax worth splicing in anywhere.
    static let syntax = ["---\n", "...\n", "? ", ": ", "- ", "&a ", "*a", "!!map ", "!tag ", "%YAML 1.2\n", "<<: *a\n", "\"", "'", "#", "\r\n", "\u{FEFF}", "\t", "{", "[", "}", "]"]

    /// Applies one to three mutations; returns the bytes and what was done (for the report).
    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> (bytes: [UInt8], steps: [String]) {
        var bytes = input
        var steps: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let kind = Kind.allCases.randomElement(using: &rng)!
            steps.append(apply(kind, to: &bytes, using: &rng))
        }
        return (bytes, steps)
    }

    static func apply(_ kind: Kind, to bytes: inout [UInt8], using rng: inout SplitMix64) -> String {
        switch kind {
        case .flipByte:
            guard !bytes.isEmpty else { return "flip (empty)" }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            let mask = Bool.random(using: &rng) ? UInt8(1) << UInt8.random(in: 0...7, using: &rng) : UInt8.random(in: 1...255, using: &rng)
            bytes[index] ^= mask
            return "flip byte \(index) ^ 0x\(String(mask, radix: 16))"
        case .insertByte:
            let index = Int.random(in: 0...bytes.count, using: &rng)
            let byte = Bool.random(using: &rng) ? interestingBytes.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            bytes.insert(byte, at: index)
            return "insert 0x\(String(byte, radix: 16)) at \(index)"
        case .deleteByte:
            guard !bytes.isEmpty else { return "delete (empty)" }
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            let count = min(bytes.count - index, Int.random(in: 1...8, using: &rng))
            bytes.removeSubrange(index..<(index + count))
            return "delete \(count) at \(index)"
        case .truncate:
            let length = Int.random(in: 0...bytes.count, using: &rng)
            bytes.removeSubrange(length...)
            return "truncate to \(length)"
        case .duplicateLine, .deleteLine, .reindent:
            var lines = split(bytes)
            guard !lines.isEmpty else { return "\(kind) (empty)" }
            let index = Int.random(in: 0..<lines.count, using: &rng)
            switch kind {
            case .duplicateLine:
                lines.insert(lines[index], at: Int.random(in: 0...lines.count, using: &rng))
            case .deleteLine:
                lines.remove(at: index)
            default:
                let leading = lines[index].prefix { $0 == UInt8(ascii: " ") }.count
                let change = [-4, -2, -1, 1, 2, 4].randomElement(using: &rng)!
                let indentation = Bool.random(using: &rng) || change < 0
                    ? [UInt8](repeating: UInt8(ascii: " "), count: max(0, leading + change))
                    : [UInt8(ascii: "\t")] + [UInt8](repeating: UInt8(ascii: " "), count: leading)
                lines[index] = indentation + lines[index].dropFirst(leading)
            }
            bytes = join(lines)
            return "\(kind) line \(index + 1)"
        case .swapKey:
            // `key:` at the start of a line (after indentation and `- `), or after `{` / `, `.
            let text = String(decoding: bytes, as: UTF8.self)
            let found = keys.filter { text.contains($0 + ":") }
            guard let key = found.randomElement(using: &rng), let range = occurrences(of: key + ":", in: bytes).randomElement(using: &rng) else {
                return "swap key (none)"
            }
            let replacement = Bool.random(using: &rng) ? keys.randomElement(using: &rng)! : misspell(key, using: &rng)
            bytes.replaceSubrange(range.lowerBound..<(range.upperBound - 1), with: Array(replacement.utf8))
            return "key \(key) -> \(replacement)"
        case .swapType:
            // The value after a `key: ` up to the end of its line, replaced by a value of another type.
            let candidates = keys.flatMap { occurrences(of: $0 + ": ", in: bytes) }
            guard let range = candidates.randomElement(using: &rng) else { return "swap type (none)" }
            let end = bytes[range.upperBound...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let value = values.randomElement(using: &rng)!
            bytes.replaceSubrange(range.upperBound..<end, with: Array(value.utf8))
            return "value after \(String(decoding: bytes[range], as: UTF8.self))-> \(value)"
        case .insertSyntax:
            let index = Int.random(in: 0...bytes.count, using: &rng)
            let text = syntax.randomElement(using: &rng)!
            bytes.insert(contentsOf: Array(text.utf8), at: index)
            return "insert \(text.debugDescription) at \(index)"
        }
    }

    static func misspell(_ key: String, using rng: inout SplitMix64) -> String {
        var characters = Array(key)
        let index = Int.random(in: 0..<characters.count, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: characters.remove(at: index)
        case 1: characters.insert(characters[index], at: index)
        default:
            if index + 1 < characters.count { characters.swapAt(index, index + 1) } else { characters[index] = "x" }
        }
        return characters.isEmpty ? "k" : String(characters)
    }

    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    }

    static func join(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    static func occurrences(of needle: String, in bytes: [UInt8]) -> [Range<Int>] {
        let pattern = Array(needle.utf8)
        guard pattern.count <= bytes.count else { return [] }
        var found: [Range<Int>] = []
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0], Array(bytes[index..<(index + pattern.count)]) == pattern {
                found.append(index..<(index + pattern.count))
            }
            index += 1
        }
        return found
    }
}
