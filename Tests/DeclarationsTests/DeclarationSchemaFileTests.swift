import Declarations
import Foundation
import Testing

/// The example repository ships the schema its declarations' `$schema=` comments point at, and it is the one
/// `wriftsync schema` prints.
@Suite struct DeclarationSchemaFileTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/config-repo").path

    @Test func theShippedSchemaIsTheGeneratedOne() throws {
        let shipped = try String(contentsOfFile: Self.examples + "/wriftsync-declaration.schema.json", encoding: .utf8)
        #expect(shipped == DeclarationSchema.json + "\n", "regenerate it: wriftsync schema --out Examples/config-repo/wriftsync-declaration.schema.json")
    }

    @Test func everySchemaCommentPointsAtIt() throws {
        let models = Self.examples + "/models"
        let files = try FileManager.default.subpathsOfDirectory(atPath: models).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: models + "/" + file, encoding: .utf8)
            let comment = try #require(text.split(separator: "\n").first { $0.hasPrefix("# yaml-language-server: $schema=") }, "\(file) has no $schema comment")
            let target = String(comment.dropFirst("# yaml-language-server: $schema=".count))
            let resolved = URL(fileURLWithPath: models + "/" + file).deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL.path
            #expect(resolved == URL(fileURLWithPath: Self.examples + "/wriftsync-declaration.schema.json").standardizedFileURL.path, "\(file): \(target)")
        }
    }
}
