import Foundation
import JSONSchema
import Testing
@testable import WriftAIModels

/// `JSONReader` is a fast path in front of `JSONDecoder`: whatever it reads must be exactly what `JSONDecoder`
/// decodes from the same bytes, and anything else it must leave alone (`nil`). Seeded documents of every type
/// it reads — well formed, with fields missing, `null`, mistyped, repeated or unknown, with every escape and
/// number shape, deeply nested, then mutated byte by byte — are given to both.
@Suite("JSONReader against JSONDecoder")
struct JSONReaderDifferentialTests {
    static let cases = 18_000

    /// What one kind of document came to over the run.
    struct Tally: CustomStringConvertible {
        /// Both read it, to the same value.
        var agreed = 0
        /// The reader left it, and `JSONDecoder` decoded it.
        var deferredValid = 0
        /// The reader left it, and `JSONDecoder` refused it.
        var deferredInvalid = 0
        var description: String { "agreed \(agreed), deferred valid \(deferredValid), deferred invalid \(deferredInvalid)" }
    }

    @Test("every value read equals JSONDecoder's, for models, details, list items, pages, configurations and any JSON value")
    func differential() throws {
        var tallies: [String: Tally] = [:]
        var rng = SplitMix64(seed: 0x4A50_4E52)
        for index in 0..<Self.cases {
            var generator = DocumentGenerator(rng: SplitMix64(seed: rng.next()))
            let (kind, text) = generator.document(index)
            let bytes = generator.mutated(Array(text.utf8))
            let document = String(decoding: bytes, as: UTF8.self)
            switch kind {
            case .details:
                try compare(ModelVersionDetails.self, bytes, document, &tallies["details", default: Tally()])
            case .model:
                try compare(Model.self, bytes, document, &tallies["model", default: Tally()])
            case .page:
                try compare(Page<ModelVersion>.self, bytes, document, &tallies["page", default: Tally()])
            case .item:
                try compare(ModelVersion.self, bytes, document, &tallies["item", default: Tally()])
            case .configuration:
                try compare(VersionConfiguration.self, bytes, document, &tallies["configuration", default: Tally()])
            case .value:
                try compareValues(bytes, document, &tallies["value", default: Tally()])
            }
        }
        // The run must reach each outcome often, or it proves little: a reader that always gave up would
        // agree with everything.
        for (kind, tally) in tallies {
            #expect(tally.agreed >= 1_000, "\(kind): \(tally)")
            #expect(tally.deferredValid >= 20, "\(kind): \(tally)")
            #expect(tally.deferredInvalid >= 300, "\(kind): \(tally)")
            // Of the documents JSONDecoder accepts, the reader takes most: it is a fast path, not a rare one.
            #expect(Double(tally.agreed) / Double(tally.agreed + tally.deferredValid) > 0.75, "\(kind): \(tally)")
        }
    }

    @Test(
        "well-formed answers are read, not deferred",
        arguments: [
            #"{"number":3,"release_notes":"r","created_at":"2026-01-01T00:00:00Z","container_image_digest":null,"schemas":{"prediction":{"input":{"type":"object"},"output":{"type":"string"}}},"compatibilities":{},"size":null}"#,
            #"{"number": 12, "release_notes": "a \"b\" \u00e9 \ud83d\ude00", "created_at": "t", "schemas": {"prediction": {"input": {"properties": {"n": {"type": "number", "minimum": -1.5e3}}}, "output": [], "stream_output": null}}, "compatibilities": {"openai_chat_completions": true, "anthropic_messages": null}, "configuration": {"hardware_identifier": "gpu", "variable_names": ["A", "B"]}, "size": 1024, "extra": [1, {"x": null}]}"#,
        ])
    func wellFormed(_ text: String) throws {
        let bytes = Array(text.utf8)
        let read = try #require(bytes.withUnsafeBufferPointer { ModelVersionDetails.read(json: $0) })
        #expect(read == (try JSONDecoder().decode(ModelVersionDetails.self, from: Data(bytes))))
    }

    @Test(
        "the reader leaves what it cannot be sure of to JSONDecoder",
        arguments: [
            ("a repeated key", Array(#"{"a": 1, "a": 2}"#.utf8)),
            ("a lone high surrogate", Array(#""\ud800""#.utf8)),
            ("a lone low surrogate", Array(#""\udc00x""#.utf8)),
            ("a number too large", Array("1e400".utf8)),
            ("trailing text", Array("{} {}".utf8)),
            ("an unescaped control character", Array("\"a\u{01}b\"".utf8)),
            ("invalid UTF-8", [0x22, 0xFF, 0x22]),
            ("nesting past the limit", Array((String(repeating: "[", count: 70) + String(repeating: "]", count: 70)).utf8)),
            ("a leading zero", Array("012".utf8)),
            ("a bare fraction point", Array("1.".utf8)),
            ("a byte order mark", [0xEF, 0xBB, 0xBF, 0x7B, 0x7D]),
        ] as [(String, [UInt8])])
    func defers(_ name: String, _ bytes: [UInt8]) {
        #expect(bytes.withUnsafeBufferPointer { JSONValue.read(json: $0) } == nil, "\(name)")
    }

    private func compare<Value: JSONFastReadable & Encodable & Equatable>(
        _ type: Value.Type, _ bytes: [UInt8], _ document: String, _ tally: inout Tally
    ) throws {
        let read = bytes.withUnsafeBufferPointer { Value.read(json: $0) }
        let decoded = try? JSONDecoder().decode(Value.self, from: Data(bytes))
        guard let read else {
            if decoded == nil { tally.deferredInvalid += 1 } else { tally.deferredValid += 1 }
            return
        }
        let decodedValue = try #require(decoded, "read a document JSONDecoder refuses: \(document)")
        #expect(read == decodedValue, "\(document)")
        // `==` on strings is Unicode equivalence and on numbers ignores the sign of zero: compare exactly too.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(read) == encoder.encode(decodedValue), "\(document)")
        tally.agreed += 1
    }

    private func compareValues(_ bytes: [UInt8], _ document: String, _ tally: inout Tally) throws {
        let read = bytes.withUnsafeBufferPointer { JSONValue.read(json: $0) }
        let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        guard let read else {
            if decoded == nil { tally.deferredInvalid += 1 } else { tally.deferredValid += 1 }
            return
        }
        let decodedValue = try #require(decoded, "read a document JSONDecoder refuses: \(document)")
        #expect(Self.exact(read) == Self.exact(decodedValue), "\(document)")
        tally.agreed += 1
    }

    /// A value's text with nothing left to equivalence: strings as their UTF-8 bytes, numbers as their bits,
    /// object members sorted by their keys' bytes.
    static func exact(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): "\(bool)"
        case .number(let number): "n\(number.bitPattern)"
        case .string(let string): "s\(Array(string.utf8))"
        case .array(let array): "[" + array.map(exact).joined(separator: ",") + "]"
        case .object(let object):
            "{" + object.map { (Array($0.key.utf8).description, exact($0.value)) }
                .sorted { $0.0 < $1.0 }
                .map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        }
    }
}

/// Seeded JSON documents for the differential test: text built by hand (so that it can be wrong in every way
/// JSON can be), biased towards the shapes of the API's answers.
struct DocumentGenerator {
    enum Kind { case details, model, page, item, configuration, value }

    var rng: SplitMix64

    mutating func below(_ count: Int) -> Int { Int(rng.next() % UInt64(count)) }
    mutating func chance(_ probability: Double) -> Bool { rng.nextUnit() < probability }
    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    mutating func document(_ index: Int) -> (Kind, String) {
        switch index % 6 {
        case 0: (.details, details())
        case 1: (.model, model())
        case 2: (.page, page())
        case 3: (.item, item())
        case 4: (.configuration, configuration())
        default: (.value, value(depth: 0))
        }
    }

    /// Sometimes broken, byte by byte.
    mutating func mutated(_ bytes: [UInt8]) -> [UInt8] {
        guard chance(0.25), !bytes.isEmpty else { return bytes }
        var bytes = bytes
        let position = below(bytes.count)
        switch below(5) {
        case 0: bytes[position] ^= UInt8(1 << below(8))
        case 1: bytes.insert(pick(Array("{}[],:\"\\ 0-.eE\t".utf8) + [0x00, 0x80, 0xC3, 0xED, 0xFF]), at: position)
        case 2: bytes.remove(at: position)
        case 3: bytes.removeSubrange(position...)
        default: bytes += Array(pick([" ", "x", "{}", ",", "\n"]).utf8)
        }
        return bytes
    }

    mutating func space() -> String {
        chance(0.75) ? "" : pick([" ", "\n", "\t", "\r\n  ", "  "])
    }

    /// An object's text from its members, with whitespace, sometimes shuffled, sometimes with a key twice.
    mutating func object(_ members: [(String, String)]) -> String {
        var members = members
        if chance(0.5) { members.shuffle(using: &rng) }
        if chance(0.01), let repeated = members.randomElement(using: &rng) { members.append(repeated) }
        if chance(0.15) { members.append((pick(["extra", "note", "é", "number_", "Number"]), value(depth: 2))) }
        let body = members.map { "\(space())\(quoted($0.0))\(space()):\(space())\($0.1)" }.joined(separator: ",")
        return "{\(body)\(space())}"
    }

    /// A member to leave out, make `null` or of the wrong type now and then.
    mutating func member(_ key: String, _ text: String, into members: inout [(String, String)]) {
        switch below(100) {
        case 0: return
        case 1: members.append((key, "null"))
        case 2: members.append((key, value(depth: 3)))
        default: members.append((key, text))
        }
    }

    mutating func model() -> String {
        var owner: [(String, String)] = []
        member("account_id", string(), into: &owner)
        member("name", string(), into: &owner)
        member("avatar_url", string(), into: &owner)
        var members: [(String, String)] = []
        member("id", string(), into: &members)
        member("name", string(), into: &members)
        member("owner", object(owner), into: &members)
        member("visibility", chance(0.05) ? pick(["\"Public\"", "\"internal\""]) : pick(["\"private\"", "\"public\""]), into: &members)
        if chance(0.7) { member("description", chance(0.3) ? "null" : string(), into: &members) }
        member("created_at", string(), into: &members)
        if chance(0.7) { member("updated_at", chance(0.3) ? "null" : string(), into: &members) }
        if chance(0.7) { member("predictions_count", chance(0.2) ? "null" : integer(), into: &members) }
        if chance(0.8) { member("latest_version", chance(0.4) ? "null" : details(), into: &members) }
        return object(members)
    }

    mutating func details() -> String {
        var members: [(String, String)] = []
        member("number", integer(), into: &members)
        member("release_notes", string(), into: &members)
        member("created_at", string(), into: &members)
        if chance(0.9) { member("container_image_digest", chance(0.2) ? "null" : string(), into: &members) }
        member("schemas", schemas(), into: &members)
        member("compatibilities", compatibilities(), into: &members)
        if chance(0.7) { member("size", chance(0.3) ? "null" : integer(), into: &members) }
        if chance(0.7) { member("configuration", chance(0.3) ? "null" : configuration(), into: &members) }
        return space() + object(members) + space()
    }

    mutating func schemas() -> String {
        var prediction: [(String, String)] = []
        member("input", value(depth: 3), into: &prediction)
        member("output", value(depth: 3), into: &prediction)
        if chance(0.4) { member("stream_output", chance(0.3) ? "null" : value(depth: 3), into: &prediction) }
        var schemas: [(String, String)] = []
        member("prediction", object(prediction), into: &schemas)
        return object(schemas)
    }

    mutating func compatibilities() -> String {
        var flags: [(String, String)] = []
        for key in ["openai_chat_completions", "openai_embeddings", "openai_images_generations", "openai_responses", "anthropic_messages"]
        where chance(0.5) {
            member(key, pick(["true", "false", "null"]), into: &flags)
        }
        return object(flags)
    }

    mutating func configuration() -> String {
        var members: [(String, String)] = []
        member("hardware_identifier", string(), into: &members)
        let names = (0..<below(4)).map { _ in string() }
        member("variable_names", "[" + names.joined(separator: ",\(space())") + "]", into: &members)
        return object(members)
    }

    mutating func item() -> String {
        var members: [(String, String)] = []
        member("number", integer(), into: &members)
        member("release_notes", string(), into: &members)
        member("created_at", string(), into: &members)
        if chance(0.8) { member("container_image_digest", chance(0.2) ? "null" : string(), into: &members) }
        return object(members)
    }

    mutating func page() -> String {
        var members: [(String, String)] = []
        let items = (0..<below(6)).map { _ in item() }
        member("items", "[" + items.joined(separator: ",\(space())") + "]", into: &members)
        if chance(0.8) { member("next_cursor", chance(0.5) ? "null" : string(), into: &members) }
        if chance(0.8) { member("previous_cursor", chance(0.5) ? "null" : string(), into: &members) }
        return object(members)
    }

    mutating func value(depth: Int) -> String {
        if chance(0.003) {
            let levels = pick([30, 63, 64, 65, 66, 100, 200])
            return String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        }
        let roll = below(depth >= 6 ? 6 : 10)
        switch roll {
        case 0: return "null"
        case 1: return pick(["true", "false"])
        case 2, 3: return number()
        case 4, 5: return string()
        case 6, 7:
            let members = (0..<below(5)).map { _ in (pick(["type", "properties", "a", "b", "minimum", "é", "😀", ""]) + (chance(0.5) ? "" : "\(below(9))"), value(depth: depth + 1)) }
            return object(members)
        default:
            return "[" + (0..<below(5)).map { _ in space() + value(depth: depth + 1) }.joined(separator: ",") + space() + "]"
        }
    }

    mutating func integer() -> String {
        switch below(12) {
        case 0: "0"
        case 1: "-\(below(100))"
        case 2: String(repeating: "9", count: 18)
        case 3 where chance(0.2): String(repeating: "9", count: 19)
        case 4 where chance(0.2): "1" + String(repeating: "0", count: 20)
        case 5 where chance(0.3): pick(["1.0", "1e2", "01", "-0", "2.5", "1E0", "+1", "1e400"])
        default: "\(below(100_000))"
        }
    }

    mutating func number() -> String {
        switch below(16) {
        case 0: return "-0"
        case 1: return pick(["1e400", "-1e400", "1e-400", "4.9e-324", "2.2250738585072014e-308", "1.7976931348623157e308"])
        case 2: return "9007199254740993"
        case 3: return String(repeating: "7", count: below(30) + 1)
        case 4 where chance(0.15): return pick(["01", "1.", ".5", "+1", "1e", "-", "0x10", "NaN", "Infinity", "1e+", "--1", "1.e3"])
        case 5: return "\(below(1000))\(pick(["e", "E"]))\(pick(["", "+", "-"]))\(below(40))"
        case 6, 7: return "\(chance(0.5) ? "-" : "")\(below(100_000)).\(below(1_000_000))"
        case 8: return "0.1"
        case 9: return "\(rng.nextUnit() * pow(10, Double(below(40)) - 20))"
        default: return "\(Int(below(2_000_000)) - 1_000_000)"
        }
    }

    mutating func string() -> String {
        var text = "\""
        for _ in 0..<below(12) {
            switch below(40) {
            case 0: text += "\\\""
            case 1: text += "\\\\"
            case 2: text += pick(["\\n", "\\t", "\\r", "\\b", "\\f", "\\/"])
            case 3: text += "\\u00e9"
            case 4: text += "\\ud83d\\ude00"
            case 5: text += pick(["\\u0000", "\\u001F", "\\uFFFF", "\\uFEFF", "\\u2028"])
            // One string in a hundred or so breaks a rule.
            case 6 where chance(0.05): text += pick(["\\ud800", "\\udc00", "\\ud800\\u0041", "\\uZZZZ", "\\x", "\\u12"])
            case 7 where chance(0.05): text += pick(["\u{01}", "\t"])
            case 7: text += "\u{7F}"
            case 8: text += pick(["é", "😀", "e\u{301}", "\u{FEFF}"])
            case 9: text += "sha256:" + String(repeating: "ab", count: 32)
            default: text += String(pick(Array("abcdefXYZ0129 _-:.")))
            }
        }
        return text + "\""
    }

    func quoted(_ key: String) -> String {
        "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
