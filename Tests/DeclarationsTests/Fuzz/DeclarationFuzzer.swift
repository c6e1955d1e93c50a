import Foundation
@testable import Declarations
import JSONSchema
import WriftSyncTesting

/// Runs mutated declaration files through the loader (the code path of `validate`, `schemas_file`
/// resolution included) and checks each outcome: valid, or every problem rendered as
/// `file:line:column: message` with the place inside the file. A crash ends the process (make fuzz
/// keeps the case in flight on disk for that), a hang is caught by the caller's watchdog.
struct DeclarationFuzzer {
    /// What went wrong in one case, with what it takes to replay it.
    struct Failure: Error, CustomStringConvertible {
        let index: Int
        let seed: UInt64
        let target: String
        let input: [UInt8]
        let steps: [String]
        let reason: String
        var description: String {
            "case \(index) (seed \(seed)): \(target) after \(steps.joined(separator: "; ")): \(reason)"
        }
    }

    /// The repository every case starts from: path -> bytes.
    let files: [String: [UInt8]]
    /// Files a case may mutate, in a fixed order.
    let targets: [String]
    let seed: UInt64
    /// A case slower than this is a failure (a generous bound: the machine may be loaded).
    var maxCaseDuration: Duration = .seconds(5)

    init(files: [String: [UInt8]], seed: UInt64) {
        self.files = files
        self.targets = files.keys.sorted()
        self.seed = seed
    }

    /// The declaration files to load when `target` changed: itself, or those whose `schemas_file` may
    /// name it.
    func declarations(affectedBy target: String) -> [String] {
        if DeclarationLoader.isDeclarationPath(target, under: "models") && target.hasPrefix("models/") { return [target] }
        let name = target.split(separator: "/").last.map(String.init) ?? target
        return targets.filter { path in
            path.hasPrefix("models/") && String(decoding: files[path]!, as: UTF8.self).contains(name)
        }
    }

    /// The mutated input of case `index`: which file, its new bytes, and the mutations applied.
    func input(of index: Int) -> (target: String, bytes: [UInt8], steps: [String]) {
        var rng = SplitMix64.forCase(index, seed: seed)
        let target = targets.randomElement(using: &rng)!
        let (bytes, steps) = Mutator.mutate(files[target]!, using: &rng)
        return (target, bytes, steps)
    }

    /// What a case came to.
    enum Outcome {
        case valid
        case reported(diagnostics: Int)
        case failed(Failure)
    }

    /// Runs case `index`; `before` sees the input first (to keep it on disk in case of a crash).
    func run(_ index: Int, before: ((String, [UInt8], [String]) -> Void)? = nil) -> Outcome {
        let (target, bytes, steps) = input(of: index)
        before?(target, bytes, steps)
        var repository = files
        repository[target] = bytes
        let loaded = declarations(affectedBy: target).map { DeclarationFile(path: $0, data: repository[$0]!) }
        // CPU time: a hang is work, while waiting for a core (the fuzzer shares two with the whole suite) is not.
        let (result, elapsed) = threadCPUTime {
            DeclarationLoader().load(loaded) { path in
                guard let data = repository[path] else { throw RepositoryFileError.notFound }
                return data
            }
        }
        let fail = { (reason: String) in Failure(index: index, seed: seed, target: target, input: bytes, steps: steps, reason: reason) }
        if elapsed > maxCaseDuration { return .failed(fail("took \(elapsed)")) }
        switch result {
        case let .success(models):
            for model in models {
                for location in [model.location] + model.versions.map(\.location) {
                    if let problem = Self.check(location, in: repository) { return .failed(fail("declared_at \(location): \(problem)")) }
                }
            }
            return .valid
        case let .failure(errors):
            if errors.diagnostics.isEmpty { return .failed(fail("a failure without a diagnostic")) }
            for diagnostic in errors.diagnostics {
                if let problem = Self.check(rendering: diagnostic.description, in: repository) {
                    return .failed(fail("\(diagnostic.description.debugDescription): \(problem)"))
                }
            }
            return .reported(diagnostics: errors.diagnostics.count)
        }
    }

    /// Parses `file:line:column: message` back out of a rendering and checks each part; nil if right.
    static func check(rendering: String, in repository: [String: [UInt8]]) -> String? {
        guard !rendering.contains("\n"), !rendering.contains("\r") else { return "the rendering spans lines" }
        // The file may hold ':' itself; the place is the last `:line:column: ` before the message.
        let parts = rendering.components(separatedBy: ": ")
        for split in 1..<max(1, parts.count) {
            let head = parts[..<split].joined(separator: ": ")
            let message = parts[split...].joined(separator: ": ")
            let fields = head.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, let line = Int(fields[fields.count - 2]), let column = Int(fields[fields.count - 1]) else { continue }
            let file = fields.dropLast(2).joined(separator: ":")
            guard !message.trimmingCharacters(in: .whitespaces).isEmpty else { return "empty message" }
            return check(SourceLocation(file: file, line: line, column: column), in: repository)
        }
        return "not in the form file:line:column: message"
    }

    /// Whether a place lies inside its file: a line that exists (YAML counts CR, NEL, LS and PS as line
    /// breaks too, so the larger count is allowed), and a column at most one past the longest line.
    static func check(_ location: SourceLocation, in repository: [String: [UInt8]]) -> String? {
        guard let bytes = repository[location.file] else { return "names a file not in the repository" }
        let text = String(decoding: bytes, as: UTF8.self)
        let newlineLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]
        var yamlLines = 1
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if breaks.contains(scalar) && !(scalar == "\n" && previous == "\r") { yamlLines += 1 }
            previous = scalar
        }
        let lines = max(newlineLines.count, yamlLines)
        let longest = newlineLines.map(\.unicodeScalars.count).max() ?? 0
        guard (1...lines).contains(location.line) else { return "line \(location.line) outside 1...\(lines)" }
        guard (1...(longest + 1)).contains(location.column) else { return "column \(location.column) outside 1...\(longest + 1)" }
        return nil
    }

    /// The corpus: the example repository's declarations and schemas, and the test fixtures.
    static func corpus() throws -> [String: [UInt8]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/config-repo")
        var files: [String: [UInt8]] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard ["yaml", "yml", "json"].contains(url.pathExtension) else { continue }
            // The editors' JSON Schema of the format is neither a declaration nor a schemas file.
            if url.lastPathComponent == "wriftsync-declaration.schema.json" { continue }
            let path = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            files[path] = Array(try Data(contentsOf: url))
        }
        for (path, text) in fixtures { files[path] = Array(text.utf8) }
        return files
    }

    /// Declarations from the tests: every key, several documents, a YAML schemas file, anchors.
    static let fixtures: [String: String] = [
        "models/fixtures/full.yaml": """
            model: acme/full
            prune: false
            allow_empty: true
            keep: [3, 7]
            suspend: false
            on_immutable_change: replace
            versions:
            \(versionYAML(digest: digestA))
            \(versionYAML(digest: digestB, notes: "Second", extra: """
                    compatibilities: {openai_chat_completions: true, anthropic_messages: false}
                    configuration: {hardware_identifier: gpu-a100, variable_names: [HF_TOKEN, OTHER_VAR]}
                """))
            """,
        "models/fixtures/multi.yml": """
            model: acme/one
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "Shared schemas"
                schemas: &shared
                  prediction:
                    input: {type: object, properties: {text: {type: string, maxLength: 1000}}, required: [text]}
                    output: {type: string}
                    stream_output: {type: string}
            ---
            model: acme/two
            versions:
              - container_image_digest: "\(digestB)"
                release_notes: 'Same, by alias'
                schemas: *shared
            ---
            model: acme/three
            versions: []
            """,
        "models/fixtures/file.yaml": """
            model: acme/file
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: >-
                  Folded notes
                  over two lines
                schemas_file: ../../schemas/fixture.yaml
            """,
        "schemas/fixture.yaml": """
            prediction:
              input:
                type: object
                properties:
                  n: {type: number, minimum: 1.5, maximum: 1e3}
                  flag: {type: boolean, default: false}
                  nothing: {type: "null"}
              output: {type: array, items: {type: integer}}
            """,
    ]
}
