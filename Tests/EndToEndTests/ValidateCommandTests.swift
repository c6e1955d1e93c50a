import Foundation
import Testing
import WriftSyncTesting

/// `wriftsync validate` and `wriftsync schema`, run as the built executable against real repositories.
@Suite(.onOwnThreads) struct ValidateCommandTests {
    static let digest = "sha256:" + String(repeating: "c", count: 64)

    static func declaration(_ model: String, schemas: String = "schemas: {prediction: {input: {type: object}, output: {type: object}}}") -> String {
        """
        model: \(model)
        versions:
          - container_image_digest: "\(digest)"
            release_notes: "First"
            \(schemas)
        """
    }

    @Test func aValidRepositoryPasses() throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("acme/a"),
            "models/team/b.yml": Self.declaration("acme/b", schemas: "schemas_file: ../../schemas/b.json"),
            "models/.hidden/c.yaml": "not: [valid",
            "models/README.md": "ignored",
            "schemas/b.json": #"{"prediction": {"input": {}, "output": {}}}"#,
        ])
        let cache = try TemporaryDirectory("validate")
        let result = try SourceCommandTests.run(["validate", "--repo", repository.path, "--cache-dir", cache.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("valid: 2 models, 2 versions in 2 files under models at \(try repository.head().short) (refs/heads/main)"))
    }

    @Test func everyProblemIsPrintedAsFileLineColumnThenExitOne() throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Self.declaration("acme/a").replacingOccurrences(of: "release_notes", with: "relase_notes"),
            "models/b.yaml": Self.declaration("acme/b", schemas: "schemas_file: ../secrets.json"),
            "secrets.json": "{}",
        ])
        try FileManager.default.createDirectory(atPath: repository.path + "/shared", withIntermediateDirectories: true)
        try repository.symlink("shared/link.json", to: "/etc/passwd")
        try repository.write("models/c.yaml", Self.declaration("acme/c", schemas: "schemas_file: ../shared/link.json"))
        try repository.commit("problems")
        let cache = try TemporaryDirectory("validate")
        let result = try SourceCommandTests.run(["validate", "--repo", repository.path, "--cache-dir", cache.path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("models/a.yaml:3:5: missing required key 'release_notes' in a version"))
        #expect(lines.contains("models/a.yaml:4:5: unknown key 'relase_notes' in a version; did you mean 'release_notes'?"))
        #expect(lines.contains { $0.hasPrefix("models/b.yaml:6:19: missing required key 'input'") || $0.hasPrefix("secrets.json:1:1: missing required key 'prediction'") })
        #expect(lines.contains("models/c.yaml:5:19: schemas_file '../shared/link.json': shared/link.json is a symbolic link; WriftSync never follows links"))
        #expect(lines.last?.hasPrefix("error: ") == true)
        #expect(lines.last?.contains("nothing can be planned") == true)
    }

    @Test func aSymlinkAmongTheDeclarationsIsRefusedNamingIt() throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("acme/a")])
        try repository.symlink("models/passwd.yaml", to: "/etc/passwd")
        try repository.commit("link")
        let cache = try TemporaryDirectory("validate")
        let result = try SourceCommandTests.run(["validate", "--repo", repository.path, "--cache-dir", cache.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: models/passwd.yaml: is a symbolic link"))
    }

    @Test func schemaPrintsAJSONSchema() throws {
        let result = try SourceCommandTests.run(["schema"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }
}
