import Foundation
import WriftAIModels

/// Writes declarations that reproduce live versions exactly (`wriftsync import`). Strings and schemas are
/// written as JSON, which is valid YAML, so nothing depends on YAML's quoting rules.
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

    /// The files to write: the declaration (`<name>.yaml`) and one `schemas/<name>-<number>.json` per version
    /// whose schemas are longer than `inlineLimit` bytes as JSON. Paths are relative to the output directory.
    public static func files(model: String, versions: [Version], inlineLimit: Int = 2048, header: String) throws -> [(path: String, contents: String)] {
        let name = model.split(separator: "/").last.map(String.init) ?? model
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
                files.append((file, try json(version.schemas, pretty: true) + "\n"))
                yaml += "    schemas_file: \(file)\n"
            } else {
                yaml += "    schemas: \(schemas)\n"
            }
            if version.compatibilities != Compatibilities() {
                yaml += "    compatibilities: \(try json(version.compatibilities))\n"
            }
            if let configuration = version.configuration {
                yaml += "    configuration: \(try json(configuration))\n"
            }
        }
        files.insert(("\(name).yaml", yaml), at: 0)
        return files
    }

    private static func json(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
