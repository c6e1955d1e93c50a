import WriftAIModels
import Yams

/// Reads every declaration file of a commit into model declarations, or reports every problem in every
/// file at once. Pure: files come in as bytes, and other repository files are read through a closure.
public struct DeclarationLoader: Sendable {
    /// Bounds that keep hostile input cheap.
    public struct Limits: Sendable {
        /// YAML nodes visited per file, aliases expanded.
        public var maxNodes = 200_000
        /// Nesting levels of flow collections, compact lists and JSON Schemas.
        public var maxDepth = 64
        /// Bytes of text that aliases repeat in one file: an alias costs the text of all it expands to. One
        /// alias of a long scalar is one node, but the declarations are encoded (fingerprinted, planned) with
        /// each copy written out: 10,000 aliases of 100 KB took `plan` 2 GB. Honest sharing of schemas stays
        /// far below it, the node limit being met first.
        public var maxAliasedBytes = 4 << 20
        /// YAML nodes in all the files of one load, aliases expanded: what the declarations hold in
        /// memory grows with it (measured: 1,000,000 nodes of schemas take 7.5 s and 180 MB in a debug
        /// build), whatever the files' sizes and number. One node per 16 bytes of the byte limit:
        /// terse honest YAML (`{type: string}`) runs at about 11 bytes a node.
        public var maxTotalNodes = (32 << 20) / 16
        /// Bytes of all the files of one load, `schemas_file`s included (the repository read caps the
        /// declaration files alone; a declaration can name thousands of schemas files), and the text their
        /// aliases repeat.
        public var maxTotalBytes = 32 << 20
        public init() {}

        /// The limits of a load of up to `totalSize` bytes: the byte total is `totalSize` and the node total
        /// follows it, so that one setting (`--max-total-size`) raises both.
        public init(totalSize: Int) {
            maxTotalBytes = totalSize
            maxTotalNodes = max(totalSize / 16, 1)
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether `path` is a declaration file under `directory`: `*.yaml` or `*.yml`, with no hidden file or
    /// folder (a name starting with `.`) below `directory`.
    public static func isDeclarationPath(_ path: String, under directory: String) -> Bool {
        let lowered = path.lowercased()
        guard lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") else { return false }
        let root = directory.split(separator: "/").filter { $0 != "." }
        let components = path.split(separator: "/")
        let below = components.starts(with: root) ? components.dropFirst(root.count) : components[...]
        return !below.contains { $0.hasPrefix(".") }
    }

    /// Parses and validates `files`; `readFile` returns another file of the same commit by repository path
    /// (for `schemas_file`), refusing links and oversized files. Nothing is kept for a later load: a
    /// ``DeclarationCache`` reuses what did not change.
    public func load(
        _ files: [DeclarationFile],
        readFile: (String) throws -> [UInt8]
    ) -> Result<[ModelDeclaration], DeclarationErrors> {
        var cache = DeclarationCache()
        let byPath = Dictionary(files.map { ($0.path, $0.data) }, uniquingKeysWith: { first, _ in first })
        return cache.load(
            files.map { DeclarationFileReference(path: $0.path, contentID: nil) }, limits: limits,
            read: { path in try byPath[path] ?? readFile(path) },
            contentID: { _ in nil }
        ).result
    }

    /// Every non-empty document of a file, after the encoding and nesting checks, or why the file was not
    /// parsed at all because it would take the load past `remaining`; problems go to `reader`.
    func parse(path: String, bytes: [UInt8], remaining: FileCost, reader: NodeReader) -> (documents: [Node], cost: FileCost)? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        var cost = FileCost(bytes: bytes.count, nodes: 0)
        if let crossing = Self.crossing(remaining, cost, limits: limits) {
            reader.report(start, crossing)
            return nil
        }
        if let problem = TextChecks.encodingProblem(bytes) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return ([], cost)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let problem = TextChecks.nestingProblem(text, maxDepth: limits.maxDepth) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return ([], cost)
        }
        let preflight = EventPreflight.check(text, maxDepth: limits.maxDepth, maxNodes: limits.maxNodes, maxAliasedBytes: limits.maxAliasedBytes)
        if let problem = preflight.problem {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return ([], cost)
        }
        cost.nodes = preflight.nodes
        // What aliases repeat counts as bytes too: a per-file limit alone would let 10,000 files repeat it each.
        cost.bytes += preflight.aliasedBytes
        if let crossing = Self.crossing(remaining, cost, limits: limits) {
            reader.report(start, crossing)
            return nil
        }
        do {
            var result: [Node] = []
            // compose_all reports errors through the sequence, not by throwing from `next()`.
            // The basic resolver types no plain scalar: Yams would otherwise run its YAML 1.1 regexes on every
            // mapping key (its duplicate-key check hashes them) and every value. `NodeReader.kind` types the
            // values it is asked about, with the same rules, and most scalars without any regex.
            // The encoding is given: Yams' default reads the whole process environment on every call.
            var sequence = try Yams.compose_all(yaml: text, .basic, .default, .utf8)
            while let node = sequence.next() {
                if !Self.isEmpty(node) { result.append(node) }
            }
            if let error = sequence.error { throw error }
            return (result, cost)
        } catch {
            reader.report(Self.location(of: error, in: path, text: text).map { Self.clamped($0, to: text) } ?? start, Self.message(of: error, text: text))
            return ([], cost)
        }
    }

    /// The problem to report when a file of `cost` does not fit in what is `remaining` of the load's totals
    /// (bytes first, then nodes), or `nil` when it fits.
    static func crossing(_ remaining: FileCost, _ cost: FileCost, limits: Limits) -> String? {
        if cost.bytes > remaining.bytes {
            return "the declarations and their schemas files total more than \(limits.maxTotalBytes) bytes (text repeated by aliases included), this file included (\(cost.bytes) bytes); the limit is \(limits.maxTotalBytes) (raise it with --max-total-size), and no further file is read"
        }
        if cost.nodes > remaining.nodes {
            return "the declarations hold more than \(limits.maxTotalNodes) YAML nodes in all, this file included (\(cost.nodes) nodes); the limit is \(limits.maxTotalNodes), one per 16 bytes of --max-total-size (raise that), and no further file is read"
        }
        return nil
    }

    /// One declaration file: its models (their `schemas_file`s not resolved yet) and its own problems; `nil`
    /// when it would take the load past `remaining` (the problem saying so is in `problems`).
    func parseDeclarations(path: String, bytes: [UInt8], remaining: FileCost) -> (file: ParsedFile?, problems: CappedDiagnostics) {
        let reader = NodeReader(file: path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
        guard let (documents, cost) = parse(path: path, bytes: bytes, remaining: remaining, reader: reader) else {
            return (nil, reader.problems)
        }
        let parser = DocumentParser(reader: reader)
        let models = documents.compactMap { parser.model($0) }
        return (ParsedFile(models: models, problems: reader.problems, cost: cost), reader.problems)
    }

    /// One schemas file (`{prediction: {input, output}}`): its schemas, or `nil` with the problems in its own
    /// lines; `cost` is `nil` when it would take the load past `remaining`.
    func parseSchemas(path: String, bytes: [UInt8], remaining: FileCost) -> ParsedSchemas {
        let reader = NodeReader(file: path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
        guard let (documents, cost) = parse(path: path, bytes: bytes, remaining: remaining, reader: reader) else {
            return ParsedSchemas(schemas: nil, problems: reader.diagnostics, cost: nil)
        }
        var schemas: Schemas?
        if documents.count == 1 {
            schemas = DocumentParser(reader: reader).schemas(documents[0])
        } else if reader.diagnostics.isEmpty {
            reader.report(SourceLocation(file: path, line: 1, column: 1), "a schemas file must hold exactly one document ({prediction: {input, output}}), found \(documents.count)")
        }
        return ParsedSchemas(schemas: schemas, problems: reader.diagnostics, cost: cost)
    }

    /// `reference` relative to the directory of `file`, normalised; nil if it climbs out of the repository.
    static func resolve(_ reference: String, from file: String) -> String? {
        var parts = file.split(separator: "/").dropLast().map(String.init)
        for component in reference.split(separator: "/") {
            switch component {
            case ".", "": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default:
                parts.append(String(component))
            }
        }
        return parts.joined(separator: "/")
    }

    /// The same model in two documents (both named), and the same digest twice in one model.
    static func duplicates(in models: [ModelDeclaration]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for (_, group) in Dictionary(grouping: models, by: \.model) where group.count > 1 {
            // At most three other places are named: a file can declare one model thousands of times, and
            // naming every other place in every diagnostic would grow with the square of that.
            let first = group.prefix(4).map(\.location)
            for model in group {
                let others = first.filter { $0 != model.location }.prefix(3)
                let more = group.count - 1 - others.count
                let places = others.map(\.description).joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
                diagnostics.append(Diagnostic(model.location, "model '\(model.model)' is declared more than once (also at \(places))"))
            }
        }
        for model in models {
            var seen: [Digest: SourceLocation] = [:]
            for version in model.versions {
                if let first = seen[version.containerImageDigest] {
                    diagnostics.append(Diagnostic(version.location, "digest \(version.containerImageDigest.abbreviated) is declared twice in \(model.model) (first at \(first))"))
                } else {
                    seen[version.containerImageDigest] = version.location
                }
            }
        }
        return diagnostics
    }

    private static func isEmpty(_ node: Node) -> Bool {
        if case .scalar = node { return NodeReader.kind(node) == .null }
        return false
    }

    /// `location` moved back inside `text` if past its end. libyaml reports an error at the end of a file
    /// without a final line break one line further down, on a line that does not exist (and that
    /// editors and CI annotations cannot show): the end of the last line is where the problem is.
    static func clamped(_ location: SourceLocation, to text: String) -> SourceLocation {
        // Lines as YAML counts them: CR, LF, CRLF, NEL, LS and PS all end one.
        var lines = 1, lastLength = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                lines += 1
                lastLength = 0
            default:
                lastLength += 1
            }
            previous = scalar
        }
        guard location.line > lines else { return location }
        return SourceLocation(file: location.file, line: lines, column: lastLength + 1)
    }

    private static func location(of error: any Error, in path: String, text: String) -> SourceLocation? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return SourceLocation(file: path, line: mark.line, column: mark.column)
        case let .duplicatedKeysInMapping(_, context):
            return SourceLocation(file: path, line: context.mark.line, column: context.mark.column)
        case let .reader(_, offset?, _, _):
            // libyaml gives a byte offset; columns count characters, as everywhere else.
            let prefix = Array(text.utf8.prefix(offset))
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let lineStart = prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = String(decoding: prefix[lineStart...], as: UTF8.self).unicodeScalars.count + 1
            return SourceLocation(file: path, line: line, column: column)
        default:
            return nil
        }
    }

    private static func message(of error: any Error, text: String) -> String {
        guard let error = error as? YamlError else { return "cannot parse YAML: \(error)" }
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            let prefix = context.map { context -> String in
                let place = clamped(SourceLocation(file: "", line: context.mark.line, column: context.mark.column), to: text)
                return "\(context.text) at \(place.line):\(place.column): "
            } ?? ""
            return "YAML syntax error: \(prefix)\(problem)"
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0.shortened())'" }.joined(separator: ", ")) in a mapping"
        case let .reader(problem, _, _, _):
            return "cannot read YAML: \(problem)"
        default:
            return "cannot parse YAML: \(error)"
        }
    }
}
