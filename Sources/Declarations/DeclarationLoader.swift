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
        public init() {}
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

        for file in files.sorted(by: { $0.path < $1.path }) {
            let reader = NodeReader(file: file.path, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth)
            let documents = documents(of: file.path, bytes: file.data, reader: reader)
            let parser = DocumentParser(reader: reader)
            for document in documents {
                guard let pending = parser.model(document) else { continue }
                var declaration = pending.declaration
                for version in pending.versions {
                    var resolved = version.declaration
                    if let reference = version.schemasFile {
                        let key = Self.resolve(reference.path, from: file.path) ?? reference.path
                        if schemaCache[key] == nil {
                            schemaCache[key] = schemas(reference: reference, from: file.path, readFile: readFile, reader: reader)
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
        return diagnostics.isEmpty ? .success(models.sorted { $0.model < $1.model }) : .failure(DeclarationErrors(diagnostics))
    }

    /// Every non-empty document of a file, after the encoding and nesting checks; problems go to `reader`.
    private func documents(of path: String, bytes: [UInt8], reader: NodeReader) -> [Node] {
        let start = SourceLocation(file: path, line: 1, column: 1)
        if let problem = TextChecks.encodingProblem(bytes) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
            return []
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let problem = TextChecks.nestingProblem(text, maxDepth: limits.maxDepth) {
            reader.report(SourceLocation(file: path, line: problem.line, column: problem.column), problem.message)
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
            reader.report(Self.location(of: error, in: path, text: text) ?? start, Self.message(of: error))
            return []
        }
    }

    private func schemas(
        reference: (path: String, location: SourceLocation),
        from declaringFile: String,
        readFile: (String) throws -> [UInt8],
        reader: NodeReader
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
        let documents = documents(of: path, bytes: bytes, reader: fileReader)
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
            for model in group {
                let others = group.filter { $0.location != model.location }.map(\.location.description).joined(separator: ", ")
                diagnostics.append(Diagnostic(model.location, "model '\(model.model)' is declared more than once (also at \(others))"))
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

    private static func location(of error: any Error, in path: String, text: String) -> SourceLocation? {
        guard let error = error as? YamlError else { return nil }
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return SourceLocation(file: path, line: mark.line, column: mark.column)
        case let .duplicatedKeysInMapping(_, context):
            return SourceLocation(file: path, line: context.mark.line, column: context.mark.column)
        case let .reader(_, offset?, _, _):
            let prefix = text.utf8.prefix(offset)
            let line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
            let column = prefix.count - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
            return SourceLocation(file: path, line: line, column: column)
        default:
            return nil
        }
    }

    private static func message(of error: any Error) -> String {
        guard let error = error as? YamlError else { return "cannot parse YAML: \(error)" }
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            let prefix = context.map { "\($0.text) at \($0.mark): " } ?? ""
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
