import Declarations
import Foundation

let digestA = "sha256:" + String(repeating: "a", count: 64)
let digestB = "sha256:" + String(repeating: "b", count: 64)

/// A valid version entry (YAML, indented for a `versions:` list).
func versionYAML(digest: String = digestA, notes: String = "First", extra: String = "") -> String {
    """
      - container_image_digest: "\(digest)"
        release_notes: "\(notes)"
        schemas:
          prediction:
            input: {type: object}
            output: {type: string}
    \(extra)
    """
}

/// Loads files given as text; `others` are the rest of the repository, for `schemas_file`.
func load(_ files: [String: String], others: [String: String] = [:], links: Set<String> = []) -> Result<[ModelDeclaration], DeclarationErrors> {
    DeclarationLoader().load(files.map { DeclarationFile(path: $0.key, data: Array($0.value.utf8)) }) { path in
        if let link = links.first(where: { path == $0 || path.hasPrefix($0 + "/") }) { throw RepositoryFileError.symbolicLink(path: link) }
        guard let text = others[path] ?? files[path] else { throw RepositoryFileError.notFound }
        return Array(text.utf8)
    }
}

/// The diagnostics of a load that must fail, as `file:line:column: message` lines.
func diagnostics(_ files: [String: String], others: [String: String] = [:], links: Set<String> = []) -> [String] {
    switch load(files, others: others, links: links) {
    case .success: return []
    case let .failure(errors): return errors.diagnostics.map(\.description)
    }
}
