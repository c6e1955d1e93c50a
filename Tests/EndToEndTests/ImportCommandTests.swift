import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// `wriftsync import` writes declarations that a plan right after finds already satisfied.
@Suite(.onOwnThreads) struct ImportCommandTests {
    @Test func importedDeclarationsPlanNoChanges() async throws {
        let repository = try TestRepository(files: ["README.md": "adopting WriftSync\n"])
        let cache = try TemporaryDirectory("import")
        let storage = try InMemoryEmulatorStorage()
        let big = JSONValue.object(["type": "object", "properties": .object(Dictionary(uniqueKeysWithValues: (0..<80).map {
            ("field_\($0)", JSONValue.object(["type": .string("string"), "description": .string("a long description of field \($0)")]))
        }))])
        let drafts: [VersionDraft] = [
            VersionDraft(releaseNotes: "First \"quoted\" # not a comment", containerImageDigest: repeatedDigest(1), schemas: PlanCommandTests.schemas,
                         compatibilities: Compatibilities(), configuration: nil,
                         fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []), createdAt: "2026-01-01T00:00:01.000Z"),
            VersionDraft(releaseNotes: "Second: with\nnewline", containerImageDigest: repeatedDigest(2),
                         schemas: Schemas(prediction: PredictionSchemas(input: big, output: ["type": "number", "minimum": 1.5], streamOutput: ["type": "string"])),
                         compatibilities: Compatibilities(openaiChatCompletions: true), configuration: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"]),
                         fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []), createdAt: "2026-01-01T00:00:02.000Z"),
        ]
        try await withRunningEmulator(configuration: PlanCommandTests.configuration(models: ["alice/imp"]), storage: storage) { emulator in
            for draft in drafts { _ = try await storage.createVersion(owner: "alice", name: "imp", draft: draft) }
            let out = repository.path + "/models"
            let arguments = ["import", "alice/imp", "--out", out, "--api-url", emulator.baseURL, "--rate-limit", "200",
                             "--cache-dir", cache.path]
            let imported = try await onOwnThread { try SourceCommandTests.run(arguments, environment: ["WRIFTAI_ACCESS_TOKEN": PlanCommandTests.token]) }
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + "/imp.yaml"))
            #expect(FileManager.default.fileExists(atPath: out + "/schemas/imp-2.json"), "the large schema has a file of its own")
            try repository.commit("import alice/imp")

            let plan = try await PlanCommandTests.plan(emulator, repository: repository, cache: cache, ["--detailed-exitcode"])
            #expect(plan.status == 0, "no changes expected:\n\(plan.stdout)\(plan.stderr)")

            let again = try await onOwnThread { try SourceCommandTests.run(arguments, environment: ["WRIFTAI_ACCESS_TOKEN": PlanCommandTests.token]) }
            #expect(again.status == 1)
            #expect(again.stderr.contains("exists; pass --force"))
        }
    }
}
