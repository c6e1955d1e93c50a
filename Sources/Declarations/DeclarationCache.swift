import WriftAIModels

/// A declaration file of a load: its path, and an id of its content when one is known (a git blob id), so
/// that a file whose content did not change since the previous load is not read or parsed again.
public struct DeclarationFileReference: Sendable, Hashable {
    /// The path from the repository root.
    public var path: String
    /// Equal ids mean equal content; `nil` when unknown (the file is then always parsed).
    public var contentID: String?

    public init(path: String, contentID: String?) {
        self.path = path
        self.contentID = contentID
    }
}

/// What one load found, and how much of it was parsed rather than reused.
public struct DeclarationLoad: Sendable {
    /// The declarations, sorted by model, or every problem found in them.
    public var result: Result<[ModelDeclaration], DeclarationErrors>
    /// Declaration files read and parsed by this load.
    public var parsedFiles: Int
    /// Declaration files whose earlier parse was reused (same content).
    public var reusedFiles: Int
    /// Schemas files read and parsed by this load.
    public var parsedSchemasFiles: Int
}

/// The bytes and YAML nodes a file adds to a load's totals (``DeclarationLoader/Limits``).
struct FileCost: Sendable, Equatable {
    var bytes: Int
    var nodes: Int

    static func - (lhs: FileCost, rhs: FileCost) -> FileCost { FileCost(bytes: lhs.bytes - rhs.bytes, nodes: lhs.nodes - rhs.nodes) }
    static func += (lhs: inout FileCost, rhs: FileCost) { lhs = FileCost(bytes: lhs.bytes + rhs.bytes, nodes: lhs.nodes + rhs.nodes) }
}

/// One declaration file parsed, its `schemas_file` references not resolved yet: what depends on its content
/// alone, so it can be reused while the content is the same.
struct ParsedFile: Sendable {
    var models: [DocumentParser.PendingModel]
    var problems: CappedDiagnostics
    var cost: FileCost
}

/// One schemas file parsed: `schemas` is `nil` when it is invalid (its `problems` say why, at its own lines),
/// and `cost` is `nil` when it was not parsed because it would have taken the load past its totals.
struct ParsedSchemas: Sendable {
    var schemas: Schemas?
    var problems: [Diagnostic]
    var cost: FileCost?
}

/// Parsed declaration and schemas files, kept between loads of successive commits: a load reads and parses
/// only the files whose content changed (a changed schemas file alone re-parses only itself), and gives the
/// same declarations and problems as a load from scratch. Holds only the files of the last load.
public struct DeclarationCache: Sendable {
    private struct Entry<Value: Sendable>: Sendable {
        var contentID: String
        var value: Value
    }

    private var files: [String: Entry<ParsedFile>] = [:]
    private var schemas: [String: Entry<ParsedSchemas>] = [:]
    private var limits: DeclarationLoader.Limits?

    public init() {}

    /// Loads `files` (sorted by path here): each file whose content id matches the previous load's is reused,
    /// the others are read with `read` and parsed. `read` also reads `schemas_file`s by repository path,
    /// throwing ``RepositoryFileError`` for a missing file, a link or an oversized one; `contentID` gives a
    /// schemas file's content id (`nil`: read it again).
    ///
    /// Bounded like a load from scratch: past ``DeclarationLoader/Limits/maxTotalBytes`` or
    /// ``DeclarationLoader/Limits/maxTotalNodes``, counted in path order with each schemas file once, the file
    /// that crosses the limit is reported and no further file is read.
    ///
    /// `onModel` is told of each model as soon as it is complete, while no problem has been found so far, so
    /// that a caller can start listing it while the rest is parsed; the load's result still decides (a
    /// problem found later, or a model declared twice, fails it).
    public mutating func load(
        _ files: [DeclarationFileReference],
        limits: DeclarationLoader.Limits,
        read: (String) throws -> [UInt8],
        contentID: (String) -> String?,
        onModel: ((ModelDeclaration) -> Void)? = nil
    ) -> DeclarationLoad {
        if self.limits.map({ !Self.same($0, limits) }) ?? false {
            self = DeclarationCache()
        }
        self.limits = limits
        let loader = DeclarationLoader(limits: limits)
        let budget = FileCost(bytes: limits.maxTotalBytes, nodes: limits.maxTotalNodes)
        var spent = FileCost(bytes: 0, nodes: 0)
        var exhausted = false
        var diagnostics: [Diagnostic] = []
        var models: [ModelDeclaration] = []
        var keptFiles: [String: Entry<ParsedFile>] = [:]
        var keptSchemas: [String: Entry<ParsedSchemas>] = [:]
        // Schemas resolved in this load, by resolved path: a file named by several declarations counts once.
        var resolved: [String: Schemas?] = [:]
        let interner = SchemaInterner()
        var parsedFiles = 0, reusedFiles = 0, parsedSchemasFiles = 0

        for reference in files.sorted(by: { $0.path < $1.path }) {
            guard !exhausted else { break }
            let start = SourceLocation(file: reference.path, line: 1, column: 1)
            var problems: CappedDiagnostics
            let parsed: ParsedFile
            // A file parsed now has its schemas interned already; one reused from the last load, by that load.
            var reused = false
            if let id = reference.contentID, let cached = self.files[reference.path], cached.contentID == id {
                // The content is the same: its parse is too, but its cost still counts against the totals.
                reusedFiles += 1
                reused = true
                parsed = cached.value
                problems = parsed.problems
                if let crossing = DeclarationLoader.crossing(budget - spent, parsed.cost, limits: limits) {
                    problems = CappedDiagnostics()
                    problems.report(start, crossing)
                    diagnostics += problems.all
                    break
                }
                keptFiles[reference.path] = Entry(contentID: id, value: parsed)
            } else {
                let bytes: [UInt8]
                do {
                    bytes = try read(reference.path)
                } catch {
                    diagnostics.append(Diagnostic(start, "cannot be read: \(error)"))
                    continue
                }
                parsedFiles += 1
                let (file, fileProblems) = loader.parseDeclarations(path: reference.path, bytes: bytes, remaining: budget - spent)
                guard var file else {
                    diagnostics += fileProblems.all
                    break
                }
                // Interned before it is kept: the cache and the declarations then share one copy of each schema
                // rather than holding one per version each.
                for model in file.models.indices {
                    for version in file.models[model].versions.indices {
                        file.models[model].versions[version].declaration.schemas = interner.intern(file.models[model].versions[version].declaration.schemas)
                    }
                }
                parsed = file
                problems = fileProblems
                if let id = reference.contentID { keptFiles[reference.path] = Entry(contentID: id, value: parsed) }
            }
            spent += parsed.cost

            for pending in parsed.models {
                var declaration = pending.declaration
                declaration.versions.reserveCapacity(pending.versions.count)
                for version in pending.versions {
                    var complete = version.declaration
                    if reused { complete.schemas = interner.intern(complete.schemas) }
                    if let reference = version.schemasFile {
                        let key = DeclarationLoader.resolve(reference.path, from: start.file) ?? reference.path
                        if resolved[key] == nil {
                            // Past a total limit (already reported once), nothing more is read.
                            if exhausted { continue }
                            let schemas = resolveSchemas(
                                reference, key: key, loader: loader, budget: budget, spent: &spent, exhausted: &exhausted,
                                problems: &problems, kept: &keptSchemas, parsed: &parsedSchemasFiles, read: read, contentID: contentID
                            )
                            resolved[key] = .some(schemas)
                        }
                        guard let schemas = resolved[key] ?? nil else { continue }
                        complete.schemas = interner.intern(schemas)
                    }
                    declaration.versions.append(complete)
                }
                models.append(declaration)
                if let onModel, diagnostics.isEmpty, problems.isEmpty { onModel(declaration) }
            }
            diagnostics += problems.all
        }
        self.files = keptFiles
        self.schemas = keptSchemas
        diagnostics += DeclarationLoader.duplicates(in: models)
        diagnostics += SmokeValidation.diagnostics(for: models)
        return DeclarationLoad(
            result: diagnostics.isEmpty ? .success(models.sorted { $0.model < $1.model }) : .failure(DeclarationErrors(diagnostics)),
            parsedFiles: parsedFiles, reusedFiles: reusedFiles, parsedSchemasFiles: parsedSchemasFiles
        )
    }

    /// The schemas a `schemas_file` reference names, or `nil` with the problems reported at the reference (and,
    /// for an invalid file, at the file's own lines).
    private func resolveSchemas(
        _ reference: (path: String, location: SourceLocation),
        key: String,
        loader: DeclarationLoader,
        budget: FileCost,
        spent: inout FileCost,
        exhausted: inout Bool,
        problems: inout CappedDiagnostics,
        kept: inout [String: Entry<ParsedSchemas>],
        parsed: inout Int,
        read: (String) throws -> [UInt8],
        contentID: (String) -> String?
    ) -> Schemas? {
        let shown = reference.path.shortened()
        func fail(_ message: String) -> Schemas? {
            problems.report(reference.location, message)
            return nil
        }
        guard !reference.path.hasPrefix("/") else {
            return fail("schemas_file '\(shown)' must be relative to the declaring file")
        }
        guard DeclarationLoader.resolve(reference.path, from: reference.location.file) != nil else {
            return fail("schemas_file '\(shown)' resolves outside the repository")
        }
        let id = contentID(key)
        var entry: ParsedSchemas
        if let id, let cached = schemas[key], cached.contentID == id, let cost = cached.value.cost {
            entry = cached.value
            if let crossing = DeclarationLoader.crossing(budget - spent, cost, limits: loader.limits) {
                entry = ParsedSchemas(schemas: nil, problems: [Diagnostic(SourceLocation(file: key, line: 1, column: 1), crossing)], cost: nil)
            }
        } else {
            let bytes: [UInt8]
            do {
                bytes = try read(key)
            } catch let error as RepositoryFileError {
                switch error {
                case .notFound: return fail("schemas_file '\(shown)' not found at this commit (looked for \(key.shortened()))")
                case let .symbolicLink(link): return fail("schemas_file '\(shown)': \(link.shortened()) is a symbolic link; WriftSync never follows links")
                case .notAFile: return fail("schemas_file '\(shown)' is not a file (\(key.shortened()))")
                case let .tooLarge(size, limit): return fail("schemas_file '\(shown)' is \(size) bytes, over the \(limit)-byte limit")
                case let .unreadable(reason): return fail("schemas_file '\(shown)' cannot be read: \(reason)")
                }
            } catch {
                return fail("schemas_file '\(shown)' cannot be read: \(error)")
            }
            parsed += 1
            entry = loader.parseSchemas(path: key, bytes: bytes, remaining: budget - spent)
        }
        if let cost = entry.cost {
            spent += cost
            if let id { kept[key] = Entry(contentID: id, value: entry) }
        } else {
            exhausted = true
        }
        for diagnostic in entry.problems { problems.report(diagnostic.location, diagnostic.message) }
        if entry.schemas == nil {
            problems.report(reference.location, "schemas_file '\(shown)' is invalid (see \(key.shortened()))")
        }
        return entry.schemas
    }

    private static func same(_ a: DeclarationLoader.Limits, _ b: DeclarationLoader.Limits) -> Bool {
        (a.maxNodes, a.maxDepth, a.maxAliasedBytes, a.maxTotalNodes, a.maxTotalBytes) == (b.maxNodes, b.maxDepth, b.maxAliasedBytes, b.maxTotalNodes, b.maxTotalBytes)
    }
}
