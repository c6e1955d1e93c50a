import Foundation
import WriftAIModels
import Yams

/// Walks composed YAML nodes of one file, collecting every problem as a diagnostic instead of stopping at
/// the first. A node budget bounds the work whatever aliases expand to (a "billion laughs" document).
final class NodeReader {
    let file: String
    /// Problems listed per file; past that they are only counted (a hostile file can hold one on every
    /// line, and nobody reads the 80,000th).
    static let maxDiagnostics = CappedDiagnostics.maxListed
    private(set) var problems = CappedDiagnostics()
    private var budget: Int
    private let maxDepth: Int
    private var exhausted = false

    init(file: String, maxNodes: Int, maxDepth: Int) {
        self.file = file
        self.budget = maxNodes
        self.maxDepth = maxDepth
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The problems found, the unlisted ones summed up in one last diagnostic.
    var diagnostics: [Diagnostic] { problems.all }

    /// Whether further problems are only counted.
    var isFull: Bool { problems.isFull }

    func report(_ node: Node, _ message: String) {
        report(location(node), message)
    }

    func report(_ location: SourceLocation, _ message: String) {
        problems.report(location, message)
    }

    /// Spends one node of the budget; false (and one diagnostic) once it is gone.
    func visit(_ node: Node) -> Bool {
        guard budget > 0 else {
            if !exhausted {
                exhausted = true
                report(node, "document too large: more than the limit of nodes after expanding aliases (an alias bomb?)")
            }
            return false
        }
        budget -= 1
        return true
    }

    /// The resolved YAML type of a node (`str`, `int`, `bool`, …), as Yams' default resolver would give it.
    /// Documents are composed with the basic resolver (see `DeclarationLoader`), so plain scalars still have
    /// their implicit tag here and are typed by ``implicitKind(_:)``.
    static func kind(_ node: Node) -> Tag.Name {
        guard case let .scalar(scalar) = node else { return Tag.Name(rawValue: node.tag.rawValue) }
        switch scalar.tag.rawValue {
        case Tag.Name.implicit.rawValue: return implicitKind(scalar.string)
        case Tag.Name.nonSpecific.rawValue: return .str
        case let explicit: return Tag.Name(rawValue: explicit)
        }
    }

    /// The YAML 1.1 type of a plain scalar, exactly as `Resolver.default` decides it. Its rules are anchored
    /// regular expressions; the few words and symbols are matched below, and number-like text (a sign, a point
    /// or a digit first) by ``YAMLNumberSyntax``, so that no scalar costs a regex (nor the parser ICU's set-up).
    static func implicitKind(_ text: String) -> Tag.Name {
        switch text {
        case "": return .null
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF":
            return .bool
        case "~", "null", "Null", "NULL": return .null
        case "<<": return .merge
        case "=": return .value
        default:
            guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            else { return .str }
            return YAMLNumberSyntax.kind(text) ?? Resolver.default.resolveTag(of: Node(text))
        }
    }

    /// How a node looks, for "expected X, found Y" messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case let .scalar(scalar):
            switch NodeReader.kind(node) {
            case .null: return "null"
            case .bool: return "a boolean (\(scalar.string))"
            case .int, .float: return "a number (\(scalar.string.shortened()))"
            case .timestamp: return "a date (\(scalar.string.shortened())), which YAML reads as a timestamp: quote it for text"
            case .merge, .value: return "YAML's \(scalar.string) key symbol: quote it (\"\(scalar.string)\") for text"
            default:
                return "a string \"\(scalar.string.shortened(to: 40))\""
            }
        }
    }

    /// The pairs of a mapping with string keys, or nil (reported) if `node` is not a mapping.
    func mapping(_ node: Node, _ what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard visit(node) else { return nil }
        guard case let .mapping(mapping) = node else {
            report(node, "\(what) must be a mapping, found \(Self.describe(node))")
            return nil
        }
        reportRepeatedKeys(mapping)
        return mapping.map { pair in (pair.key.scalar?.string ?? Self.describe(pair.key), pair.key, pair.value) }
    }

    /// Reports each key text a mapping repeats, at its first place. Yams refuses a repeated key only when its
    /// tag is the same too, so `!x prune: true` after `prune: false` passed, and the first silently won (in a
    /// JSON object, `1` and `"1"` are the same key as well).
    private func reportRepeatedKeys(_ mapping: Node.Mapping) {
        // Runs on every mapping of every file: most hold a handful of keys, compared pairwise without hashing
        // or a table (a dictionary per mapping made parsing 10,000 files a third slower).
        let count = mapping.count
        var texts: [Substring?] = []
        texts.reserveCapacity(count)
        for pair in mapping {
            if case let .scalar(scalar) = pair.key { texts.append(Substring(scalar.string)) } else { texts.append(nil) }
        }
        var repeated: [(first: Int, again: Int)] = []
        if count <= 16 {
            for again in texts.indices {
                guard let text = texts[again], let first = texts[..<again].firstIndex(of: text) else { continue }
                repeated.append((first, again))
            }
        } else {
            var firstIndex: [Substring: Int] = Dictionary(minimumCapacity: count)
            for (index, text) in texts.enumerated() {
                guard let text else { continue }
                if let first = firstIndex[text] { repeated.append((first, index)) } else { firstIndex[text] = index }
            }
        }
        guard !repeated.isEmpty else { return }
        let keys = Array(mapping.keys)
        var reported: Set<Substring> = []
        for (first, again) in repeated {
            guard let text = texts[first], reported.insert(text).inserted else { continue }
            report(keys[first], "duplicate key '\(String(text).shortened())' in a mapping (again at \(location(keys[again])))")
        }
    }

    /// Reports keys outside `allowed`, suggesting the closest allowed one.
    func checkKeys(_ pairs: [(key: String, keyNode: Node, value: Node)], allowed: [String], in context: String) {
        for pair in pairs where !allowed.contains(pair.key) {
            guard !isFull else {
                report(pair.keyNode, "unknown key")
                continue
            }
            var message = "unknown key '\(pair.key.shortened())' in \(context)"
            if let suggestion = KeySuggestion.closest(to: pair.key, among: allowed) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += " (allowed: \(allowed.joined(separator: ", ")))"
            }
            report(pair.keyNode, message)
        }
    }

    func string(_ node: Node, _ field: String) -> String? {
        guard visit(node) else { return nil }
        guard case let .scalar(scalar) = node, NodeReader.kind(node) == .str else {
            report(node, "'\(field)' must be a string, found \(Self.describe(node))")
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, _ field: String) -> Bool? {
        guard visit(node) else { return nil }
        guard case .scalar = node, NodeReader.kind(node) == .bool, let value = node.bool else {
            report(node, "'\(field)' must be true or false, found \(Self.describe(node))")
            return nil
        }
        return value
    }

    func list(_ node: Node, _ field: String) -> [Node]? {
        guard visit(node) else { return nil }
        guard case let .sequence(sequence) = node else {
            report(node, "'\(field)' must be a list, found \(Self.describe(node))")
            return nil
        }
        return Array(sequence)
    }

    /// The number a scalar typed int or float holds, read without Yams' constructors (see ``YAMLNumber``);
    /// nil for any other node.
    static func number(_ node: Node) -> YAMLNumber? {
        guard case let .scalar(scalar) = node else { return nil }
        let kind = NodeReader.kind(node)
        guard kind == .int || kind == .float else { return nil }
        return YAMLNumber(scalar.string, kind: kind)
    }

    func positiveInt(_ node: Node, _ field: String) -> Int? {
        guard visit(node) else { return nil }
        switch Self.number(node) {
        case let .whole(value)? where value > 0:
            // A version number with a leading zero is octal to YAML 1.1 (this reader, as Yams) and decimal to YAML
            // 1.2 (most editors and linters): `keep: [010]` protected #8 while the author meant #10.
            if case let .scalar(scalar) = node, scalar.style == .plain, Self.hasOctalLeadingZero(scalar.string) {
                report(node, "'\(field)' holds \(scalar.string), which YAML 1.1 reads as the octal \(value) and YAML 1.2 as a decimal: "
                    + "write it without the leading zero (or as 0o\(String(value, radix: 8)) for \(value))")
                return nil
            }
            return value
        case .outOfRange?:
            report(node, "'\(field)' must hold positive whole numbers, found \(Self.describe(node)), which is out of range")
        default:
            if case let .scalar(scalar) = node, scalar.style == .plain, Self.hasOctalLeadingZero(scalar.string) {
                report(node, "'\(field)' holds \(scalar.string), which YAML 1.1 reads as octal, where 8 and 9 are no digits: write it without the leading zero")
            } else {
                report(node, "'\(field)' must hold positive whole numbers, found \(Self.describe(node))")
            }
        }
        return nil
    }

    /// Whether `text` is a whole number written with a leading `0` and more digits (`010`, `+07`), not `0o`/`0x`/`0b`.
    static func hasOctalLeadingZero(_ text: String) -> Bool {
        let unsigned = text.first == "+" || text.first == "-" ? text.dropFirst() : Substring(text)
        guard unsigned.count > 1, unsigned.first == "0", let second = unsigned.dropFirst().first else { return false }
        return second.isASCII && (second.isNumber || second == "_")
    }

    /// A number above 0 and at most `maximum` (an integer or a decimal), or nil (reported).
    func positiveNumber(_ node: Node, _ field: String, maximum: Double) -> Double? {
        guard visit(node) else { return nil }
        let value: Double?
        switch Self.number(node) {
        case let .whole(whole)?: value = Double(whole)
        case let .decimal(decimal)?: value = decimal
        default: value = nil
        }
        guard let value, value > 0, value <= maximum else {
            report(node, "'\(field)' must be a number above 0 and at most \(Int(maximum)), found \(Self.describe(node))")
            return nil
        }
        return value
    }

    /// Converts a YAML subtree to JSON; non-representable values (infinities, non-scalar keys) are reported.
    func json(_ node: Node, _ field: String) -> JSONValue? {
        convert(node, field, depth: 0, locating: false)?.value
    }

    /// ``json(_:_:)``, with where each part of the value is.
    func locatedJSON(_ node: Node, _ field: String) -> (value: JSONValue, locations: ValueLocations)? {
        guard let (value, parts) = convert(node, field, depth: 0, locating: true), let parts else { return nil }
        return (value, ValueLocations(parts))
    }

    private func convert(_ node: Node, _ field: String, depth: Int, locating: Bool) -> (value: JSONValue, parts: ValueLocations.Part?)? {
        guard visit(node) else { return nil }
        guard depth <= maxDepth else {
            report(node, "'\(field)' is nested more than \(maxDepth) levels deep")
            return nil
        }
        var parts = locating ? ValueLocations.Part(location: location(node)) : nil
        switch node {
        case let .scalar(scalar):
            switch NodeReader.kind(node) {
            case .null: return (.null, parts)
            case .bool:
                // `yes`, `no`, `on`, `off` are booleans to YAML 1.1 (this reader, as Yams) and text to YAML 1.2 (most
                // editors): `enum: [yes, no]` became `[true, false]`, a schema its author never wrote.
                guard ["true", "True", "TRUE", "false", "False", "FALSE"].contains(scalar.string) || scalar.tag.rawValue != Tag.Name.implicit.rawValue else {
                    report(node, "'\(field)': \(scalar.string) is a boolean to YAML 1.1 and text to YAML 1.2: write true or false, or quote it (\"\(scalar.string)\") for text")
                    return nil
                }
                return node.bool.map { (.bool($0), parts) }
            case .int, .float:
                switch Self.number(node) {
                case let .whole(value)?: return (.number(Double(value)), parts)
                case let .decimal(value)?: return (.number(value), parts)
                case .notFinite?: report(node, "'\(field)': \(scalar.string.shortened()) cannot be represented in JSON")
                case .outOfRange?: report(node, "'\(field)': the number \(scalar.string.shortened()) is out of range")
                case .malformed?, nil: report(node, "'\(field)': \"\(scalar.string.shortened())\" is tagged as a number but is not one; remove the tag or write a number")
                }
                return nil
            default:
                return (.string(scalar.string), parts)
            }
        case let .sequence(sequence):
            var items: [JSONValue] = []
            for item in sequence {
                guard let (value, itemParts) = convert(item, field, depth: depth + 1, locating: locating) else { return nil }
                items.append(value)
                if let itemParts { parts?.items.append(itemParts) }
            }
            return (.array(items), parts)
        case let .mapping(mapping):
            reportRepeatedKeys(mapping)
            var object: [String: JSONValue] = [:]
            var merges: [Node] = []
            for pair in mapping {
                guard case let .scalar(key) = pair.key else {
                    report(pair.key, "'\(field)': JSON object keys must be strings, found \(Self.describe(pair.key))")
                    return nil
                }
                // A plain `<<` is YAML's merge key, not a member: read as one, a schema sharing an anchor this way
                // kept `"<<"` as an unknown keyword and lost every keyword it meant to take.
                // (Keys are typed by the composer, as strings under the basic resolver: told by their text and style.)
                if key.string == "<<", key.style == .plain {
                    merges.append(pair.value)
                    continue
                }
                guard let (value, memberParts) = convert(pair.value, field, depth: depth + 1, locating: locating) else { return nil }
                object[key.string] = value
                if let memberParts { parts?.members[key.string] = memberParts }
            }
            // The mapping's own keys win; among merged mappings (`<<: [*a, *b]`), the earlier.
            for merge in merges {
                let sources: [Node]
                switch merge {
                case .mapping: sources = [merge]
                case let .sequence(sequence): sources = Array(sequence)
                default: sources = []
                }
                guard !sources.isEmpty, sources.allSatisfy({ if case .mapping = $0 { true } else { false } }) else {
                    report(merge, "'\(field)': '<<' (a merge key) must be a mapping or a list of mappings, found \(Self.describe(merge)); quote it (\"<<\") for a key named so")
                    return nil
                }
                for source in sources {
                    guard let (value, sourceParts) = convert(source, field, depth: depth + 1, locating: locating), case let .object(members) = value else { return nil }
                    for (key, member) in members where object[key] == nil {
                        object[key] = member
                        if let memberParts = sourceParts?.members[key] { parts?.members[key] = memberParts }
                    }
                }
            }
            return (.object(object), parts)
        case .alias:
            report(node, "'\(field)': unresolved alias")
            return nil
        }
    }
}
