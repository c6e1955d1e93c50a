import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Conformance with the official Python client")
struct ConformanceTests {
    @Test("the official wriftai client lists, gets, creates, configures and deletes, and creates, gets and waits for predictions")
    func officialClient() async throws {
        let root = BuildProducts.packageRoot
        let python = root.appendingPathComponent(".build-venv/bin/python")
        let script = root.appendingPathComponent("Tests/conformance/official_client.py")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record(
                "\(python.path) is missing: run `make test`, which creates .build-venv with the official wriftai client"
            )
            return
        }

        let storage = try InMemoryEmulatorStorage()
        // Real-API rate limits: the official client must cope with them.
        try await withEmulator(Fixture.configuration(rateLimit: .init()), storage: storage) { _, emulator in
            for seed in 1...12 {
                let draft = VersionDraft(
                    releaseNotes: "seeded \(seed)",
                    containerImageDigest: digest(seed),
                    schemas: Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"])),
                    compatibilities: Compatibilities(),
                    configuration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: ["SEED_\(seed)"]),
                    fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
                    createdAt: "2026-01-01T00:00:\(seed < 10 ? "0" : "")\(seed).000Z"
                )
                _ = try await storage.createVersion(owner: "alice", name: "demo", draft: draft)
            }
            let process = try Subprocess(
                executable: python,
                arguments: [script.path, emulator.baseURL, Users.alice, "alice/demo"],
                environment: ["PYTHONDONTWRITEBYTECODE": "1"],
                directory: root
            )
            defer { process.killIfRunning() }
            let watchdog = Task {
                try await Task.sleep(for: .seconds(120))
                process.killIfRunning()
            }
            let (termination, stdout, stderr) = await process.wait()
            watchdog.cancel()
            #expect(
                termination == Subprocess.Termination(status: 0, exited: true),
                "official client script failed:\n\(stdout)\n\(stderr)"
            )
            #expect(stdout.contains("official client conformance: ok"))
        }
        // The script's version was created and deleted; numbering moved on past it.
        let versions = await storage.snapshot().models.first?.versions ?? []
        #expect(versions.map(\.number) == Array(1...12))
        #expect(await storage.snapshot().models.first?.model.highestVersionNumber == 13)
    }
}
