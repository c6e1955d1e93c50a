import Foundation
import WriftAIModels

/// Writes declarations that reproduce live versions exactly (`wriftsync import`), as block-style YAML a person
/// reads and diffs line by line. Every string is written double-quoted in JSON's escaping (valid YAML), and
/// keys only bare when YAML cannot read them as anything but that string, so nothing depends on YAML's
/// quoting rules.
public enum DeclarationWriter {
    /// One live version to declare.
    public struct Version: Sendable {
        public var number: Int
        public var containerImageDigest: String
        public var releaseNotes: String
        public var schemas: Schemas
        public var compatibilities: Compatibilities
        public var configuration: VersionConfiguration?

        public init(number: Int, containerImageDigest: String, releaseNotes: String, schemas: Schemas,
                    compatibilities: Compatibilities, configuration: VersionConfiguration?) {
            self.number = number
            self.containerImageDigest = containerImageDigest
            self.releaseNotes = releaseNotes
            self.schemas = schemas
            self.compatibilities = compatibilities
            self.configuration = configuration
        }
    }

    /// Where each of `models` (`owner/name`) is written: `name`, or `owner/name` (a folder per owner) where
    /// another of them has the same name. Named alike, `acme/sentiment` and `beta/sentiment` were written to one
    /// `sentiment.yaml`, the second over the first.
    public static func stems(for models: [String]) -> [String: String] {
        func name(_ model: String) -> String { model.split(separator: "/").last.map(String.init) ?? model }
        var alike: [String: Set<String>] = [:]
        for model in models { alike[name(model), default: []].insert(model) }
        var stems: [String: String] = [:]
        for model in models { stems[model] = (alike[name(model)]?.count ?? 0) > 1 ? model : name(model) }
        return stems
    }

    /// The files to write: the declaration (`<stem>.yaml`) and, beside it, one `schemas/<name>-<number>.json` per
    /// version whose schemas are longer than `inlineLimit` bytes as JSON; `stem` is the model's name unless given
    /// (see ``stems(for:)``). Paths are relative to the output directory.
    public static func files(model: String, stem: String? = nil, versions: [Version], inlineLimit: Int = 2048, header: String) throws -> [(path: String, contents: String)] {
        let stem = stem ?? model.split(separator: "/").last.map(String.init) ?? model
        // A `schemas_file` is read relative to the declaring file: written beside it.
        let folder = stem.contains("/") ? String(stem[...stem.lastIndex(of: "/")!]) : ""
        let name = String(stem.dropFirst(folder.count))
        var files: [(String, String)] = []
        var yaml = header.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(separator: "\n")
        yaml += "\nmodel: \(model)\nversions:\n"
        for version in versions.sorted(by: { $0.number < $1.number }) {
            yaml += "  # live version #\(version.number)\n"
            yaml += "  - container_image_digest: \(try json(version.containerImageDigest))\n"
            yaml += "    release_notes: \(try json(version.releaseNotes))\n"
            let schemas = try json(version.schemas)
            if schemas.utf8.count > inlineLimit {
                let file = "schemas/\(name)-\(version.number).json"
                files.append((folder + file, try json(version.schemas, pretty: true) + "\n"))
                yaml += "    schemas_file: \(file)\n"
            } else {
                yaml += try block("schemas", version.schemas, indent: 4)
            }
            if version.compatibilities != Compatibilities() {
                yaml += try block("compatibilities", version.compatibilities, indent: 4)
            }
            if let configuration = version.configuration {
                yaml += try block("configuration", configuration, indent: 4)
            }
        }
        files.insert(("\(folder)\(name).yaml", yaml), at: 0)
        return files
    }

    private static func json(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return escapingYAMLBreaks(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// JSON text with the characters YAML would fold as a line break, or refuse as unprintable, in a
    /// double-quoted scalar (NEL, the line and paragraph separators, DEL, C1 controls, the BOM) written as
    /// `\u` escapes, which JSON and YAML both read.
    private static func escapingYAMLBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isYAMLUnsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isYAMLUnsafe(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isYAMLUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
    }

    /// `key:` and `value` below it in block style, each line indented by `indent` spaces.
    static func block(_ key: String, _ value: some Encodable, indent: Int) throws -> String {
        let tree = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        let pad = String(repeating: " ", count: indent)
        return try entry(key, tree).map { pad + $0 + "\n" }.joined()
    }

    /// The lines of `key: value`, unindented.
    private static func entry(_ key: String, _ value: JSONValue) throws -> [String] {
        let name = try self.key(key)
        if let scalar = try inline(value) { return ["\(name): \(scalar)"] }
        return ["\(name):"] + (try lines(value)).map { "  " + $0 }
    }

    /// The lines of a mapping or sequence in block style, unindented.
    private static func lines(_ value: JSONValue) throws -> [String] {
        if let scalar = try inline(value) { return [scalar] }
        switch value {
        case let .object(object):
            return try object.keys.sorted().flatMap { try entry($0, object[$0]!) }
        case let .array(items):
            return try items.flatMap { item -> [String] in
                let nested = try lines(item)
                return ["- " + nested[0]] + nested.dropFirst().map { "  " + $0 }
            }
        default:
            return []
        }
    }

    /// A scalar, or an empty mapping or sequence, on one line; `nil` for a block.
    private static func inline(_ value: JSONValue) throws -> String? {
        switch value {
        case .null: return "null"
        case let .bool(bool): return bool ? "true" : "false"
        case let .number(number): return try self.number(number)
        case let .string(string): return try json(string)
        case let .object(object): return object.isEmpty ? "{}" : nil
        case let .array(items): return items.isEmpty ? "[]" : nil
        }
    }

    /// A number YAML reads back as the same number: integers as such, others with a `.` in the mantissa
    /// (YAML 1.1 reads `1e+300` as a string, `1.0e+300` as a float).
    private static func number(_ number: Double) throws -> String {
        var text = try json(JSONValue.number(number))
        if !text.contains(".") && (text.contains("e") || text.contains("E")) {
            let exponent = text.firstIndex { $0 == "e" || $0 == "E" }!
            text.insert(contentsOf: ".0", at: exponent)
        }
        return text
    }

    /// `key` bare when YAML reads it back as that string, else double-quoted.
    private static func key(_ key: String) throws -> String {
        let words: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"]
        let first = key.unicodeScalars.first
        let bare = first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || $0 == "_" || $0 == "$" } == true
            && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_$-".unicodeScalars.contains($0) }
            && !words.contains(key.lowercased())
        return bare ? key : try json(key)
    }
}
