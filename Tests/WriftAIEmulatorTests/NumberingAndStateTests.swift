import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels

@Suite("Version numbers and the state file")
struct NumberingAndStateTests {
    @Test("numbers are the highest ever assigned + 1, never reused after deletes")
    func neverReused() async throws {
        try await withRoutes { client in
            var numbers: [Int] = []
            for seed in 1...3 {
                let created: ModelVersionDetails = try await client.send(
                    .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed)
                ).decode()
                numbers.append(created.number)
            }
            #expect(numbers == [1, 2, 3])
            for number in [3, 2, 1] {
                #expect(try await client.send(.delete, "/v1/models/alice/demo/versions/\(number)", token: Users.alice).status == 204)
            }
            let next: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(4)
            ).decode()
            #expect(next.number == 4)
            // Numbering is per model.
            _ = try await client.send(.post, "/v1/models", token: Users.alice, json: ["name": "other"])
            let other: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/other/versions", token: Users.alice, json: Fixture.versionBody(5)
            ).decode()
            #expect(other.number == 1)
        }
    }

    @Test("state survives a restart through the state file, numbering included")
    func roundTrip() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path

        let before: (Model, [ModelVersion], VersionConfiguration) = try await withRoutes(
            storage: try InMemoryEmulatorStorage(stateFile: StateFile(path: path))
        ) { client in
            _ = try await client.send(.post, "/v1/models", token: Users.bob, json: ["name": "shared", "visibility": "public"])
            for seed in 1...4 {
                _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
            }
            _ = try await client.send(.delete, "/v1/models/alice/demo/versions/4", token: Users.alice)
            _ = try await client.send(
                .patch, "/v1/models/alice/demo/versions/2/configuration", token: Users.alice,
                json: ["variable_names": ["SECRET"]])
            let model: Model = try await client.send(.get, "/v1/models/bob/shared", token: Users.bob).decode()
            let list: Page<ModelVersion> = try await client.send(.get, "/v1/models/alice/demo/versions", token: Users.alice).decode()
            let configuration: VersionConfiguration = try await client.send(
                .get, "/v1/models/alice/demo/versions/2/configuration", token: Users.alice).decode()
            return (model, list.items, configuration)
        }

        // Only the state file remains: no temporary file was left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.json"])

        try await withRoutes(storage: try InMemoryEmulatorStorage(stateFile: StateFile(path: path))) { client in
            let model: Model = try await client.send(.get, "/v1/models/bob/shared", token: Users.bob).decode()
            #expect(model == before.0)
            let list: Page<ModelVersion> = try await client.send(.get, "/v1/models/alice/demo/versions", token: Users.alice).decode()
            #expect(list.items == before.1)
            #expect(list.items.map(\.number) == [3, 2, 1])
            let configuration: VersionConfiguration = try await client.send(
                .get, "/v1/models/alice/demo/versions/2/configuration", token: Users.alice).decode()
            #expect(configuration == before.2)
            let next: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(5)
            ).decode()
            #expect(next.number == 5)
        }
    }

    @Test("every change is saved at once, as a complete JSON document")
    func savedAfterEachChange() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = StateFile(path: path)
        try await withRoutes(storage: try InMemoryEmulatorStorage(stateFile: file)) { client in
            // The initial model was saved before the first request was served.
            #expect(try file.load()?.models.map(\.model.name) == ["demo"])
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            #expect(try file.load()?.models.first?.versions.map(\.number) == [1])
            _ = try await client.send(.delete, "/v1/models/alice/demo/versions/1", token: Users.alice)
            let state = try #require(try file.load())
            #expect(state.models.first?.versions.isEmpty == true)
            #expect(state.models.first?.model.highestVersionNumber == 1)
        }
    }

    @Test("loading removes the temporary files of saves whose process is gone, and only those")
    func abandonedTemporaryFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        // pid_max on Linux is at most 4,194,304: this process cannot exist.
        let abandoned = "\(path).tmp-2147483000"
        let live = "\(path).tmp-\(getpid())"
        let unrelated = directory.appendingPathComponent("other.json.tmp-2147483000").path
        for file in [abandoned, live, unrelated] { try Data("{".utf8).write(to: URL(fileURLWithPath: file)) }
        #expect(try StateFile(path: path).load() == nil, "no state yet")
        #expect(!FileManager.default.fileExists(atPath: abandoned), "a killed save's file is removed")
        #expect(FileManager.default.fileExists(atPath: live), "a running process's file stays")
        #expect(FileManager.default.fileExists(atPath: unrelated), "another file's temporaries are not touched")
    }

    @Test("a corrupt state file is refused with its path named, not silently replaced")
    func corrupt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wriftai-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"models\": [".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try InMemoryEmulatorStorage(stateFile: StateFile(path: path))
        } throws: { error in
            "\(error)".contains(path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"models\": [")
    }
}
