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
        /// YAML nodes in all the files of one load, aliases expanded: what the declarations hold in
        /// memory grows with it (measured: 1,000,000 nodes of schemas take 7.5 s and 180 MB in a debug
        /// build), whatever the files' sizes and number. One node per 16 bytes of the byte limit:
        /// terse honest YAML (`{type: string}`) runs at about 11 bytes a node.
        public var maxTotalNodes = (32 << 20) / 16
        /// Bytes of all the files of one load, `schemas_file`s included (the repository read caps the
        /// declaration files alone; a declaration can name thousands of schemas files).
        public var maxTotalBytes = 32 << 20
        public init() {}

        /// The limits of a load of up to `totalSize` bytes: the byte total is `totalSize` and the node total
        /// follows it, so that one setting (`--max-total-size`) raises both.
        public init(totalSize: Int) {
            maxTotalBytes = totalSize
            maxTotalNodes = max(totalSize / 16, 1)
        }
    }

    /// What one load has used of its limits so far; once a total is exceeded nothing more is read.
    private struct Spent {
        var nodes = 0
        var bytes = 0
        var exhausted = false
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
    /// (for `schemas_file`), refusing links and oversized files.
    public func load(
        _ files: [DeclarationFile],
        readFile: (String) throws -> [UInt8]
    ) -> Result<[ModelDeclaration], DeclarationErrors> {
        var diagnostics: [Diagnostic] = []
        var models: [ModelDeclaration] = []
        var schemaCache: [String: Schemas?] = [:]
        var spent = Spent()

        for file in files.sorted(by: { $0.path < $1.path }) {
            // Past the total budget nothing more is read: one problem says so, and nothing can be planned.
            guard !spent.exhausted else { break }
            let reader = NodeReader(file: file.path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
            let documents = documents(of: file.path, bytes: file.data, reader: reader, spent: &spent)
            let parser = DocumentParser(reader: reader)
            for document in documents {
                guard let pending = parser.model(document) else { continue }
                var declaration = pending.declaration
                for version in pending.versions {
                    var resolved = version.declaration
                    if let reference = version.schemasFile {
                        let key = Self.resolve(reference.path, from: file.path) ?? reference.path
                        if schemaCache[key] == nil {
                            schemaCache[key] = schemas(reference: reference, from: file.path, readFile: readFile, reader: reader, spent: &spent)
                        }
                        guard let schemas = schemaCache[key] ?? nil else { continue }
                        resolved.schemas = schemas
                    }
                    declaration.versions.append(resolved)
                }
                models.append(declaration)
            }
            diagnostics += reader.diagnostics
        }
        diagnostics += Self.duplicates(in: models)
        diagnostics += SmokeValidation.diagnostics(for: models)
        return diagnostics.isEmpty ? .success(models.sorted { $0.model < $1.model }) : .failure(DeclarationErrors(diagnostics))
    }

    /// Every non-empty document of a file, after the encoding and nesting checks; problems go to `reader`.
    private func documents(of path: String, bytes: [UInt8], reader: NodeReader, spent: inout Spent) -> [Node] {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard !spent.exhausted else { return [] }
        spent.bytes += bytes.count
        if spent.bytes > limits.maxTotalBytes {
            spent.exhausted = true
            reader.report(start, "the declarations and their schemas files total more than \(limits.maxTotalBytes) bytes, this file included (\(bytes.count) bytes); the limit is \(limits.maxTotalBytes) (raise it with --max-total-size), and no further file is read")
            return []
        }
        if let problem = TextChecks.encodingProblem(bytes) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return []
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let problem = TextChecks.nestingProblem(text, maxDepth: limits.maxDepth) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return []
        }
        let preflight = EventPreflight.check(text, maxDepth: limits.maxDepth, maxNodes: limits.maxNodes)
        if let problem = preflight.problem {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return []
        }
        spent.nodes += preflight.nodes
        if spent.nodes > limits.maxTotalNodes {
            spent.exhausted = true
            reader.report(start, "the declarations hold more than \(limits.maxTotalNodes) YAML nodes in all, this file included (\(preflight.nodes) nodes); the limit is \(limits.maxTotalNodes), one per 16 bytes of --max-total-size (raise that), and no further file is read")
            return []
        }
        do {
            var result: [Node] = []
            // compose_all reports errors through the sequence, not by throwing from `next()`.
            // The basic resolver types no plain scalar: Yams would otherwise run its YAML 1.1 regexes on every
            // mapping key (its duplicate-key check hashes them) and every value. `NodeReader.kind` types the
            // values it is asked about, with the same rules, and most scalars without any regex.
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                if !Self.isEmpty(node) { result.append(node) }
            }
            if let error = sequence.error { throw error }
            return result
        } catch {
            reader.report(Self.location(of: error, in: path, text: text).map { Self.clamped($0, to: text) } ?? start, Self.message(of: error, text: text))
            return []
        }
    }

    private func schemas(
        reference: (path: String, location: SourceLocation),
        from declaringFile: String,
        readFile: (String) throws -> [UInt8],
        reader: NodeReader,
        spent: inout Spent
    ) -> Schemas? {
        let fail = { (message: String) -> Schemas? in
            reader.report(reference.location, message)
            return nil
        }
        guard !reference.path.hasPrefix("/") else {
            return fail("schemas_file '\(reference.path)' must be relative to the declaring file")
        }
        guard let path = Self.resolve(reference.path, from: declaringFile) else {
            return fail("schemas_file '\(reference.path)' resolves outside the repository")
        }
        // Past a total limit (already reported once), nothing more is read.
        guard !spent.exhausted else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch let error as RepositoryFileError {
            switch error {
            case .notFound: return fail("schemas_file '\(reference.path)' not found at this commit (looked for \(path))")
            case let .symbolicLink(link): return fail("schemas_file '\(reference.path)': \(link) is a symbolic link; WriftSync never follows links")
            case .notAFile: return fail("schemas_file '\(reference.path)' is not a file (\(path))")
            case let .tooLarge(size, limit): return fail("schemas_file '\(reference.path)' is \(size) bytes, over the \(limit)-byte limit")
            case let .unreadable(reason): return fail("schemas_file '\(reference.path)' cannot be read: \(reason)")
            }
        } catch {
            return fail("schemas_file '\(reference.path)' cannot be read: \(error)")
        }
        let fileReader = NodeReader(file: path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
        let documents = documents(of: path, bytes: bytes, reader: fileReader, spent: &spent)
        var schemas: Schemas?
        if documents.count == 1 {
            schemas = DocumentParser(reader: fileReader).schemas(documents[0])
        } else if fileReader.diagnostics.isEmpty {
            fileReader.report(SourceLocation(file: path, line: 1, column: 1), "a schemas file must hold exactly one document ({prediction: {input, output}}), found \(documents.count)")
        }
        for diagnostic in fileReader.diagnostics { reader.report(diagnostic.location, diagnostic.message) }
        if schemas == nil {
            reader.report(reference.location, "schemas_file '\(reference.path)' is invalid (see \(path))")
        }
        return schemas
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
            var seen: [String: SourceLocation] = [:]
            for version in model.versions {
                if let first = seen[version.containerImageDigest] {
                    diagnostics.append(Diagnostic(version.location, "digest \(version.containerImageDigest.prefix(19))… is declared twice in \(model.model) (first at \(first))"))
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
            return "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping"
        case let .reader(problem, _, _, _):
            return "cannot read YAML: \(problem)"
        default:
            return "cannot parse YAML: \(error)"
        }
    }
}
