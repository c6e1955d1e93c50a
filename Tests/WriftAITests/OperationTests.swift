import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Operations against the emulator")
struct OperationTests {
    @Test("create, get, list, configuration, update and delete a version")
    func lifecycle() async throws {
        try await withSession { session in
            let client = session.client
            let demo = try Fixture.demo

            let empty = try await client.model(demo)
            #expect(empty.name == "demo")
            #expect(empty.owner.name == "alice")
            #expect(empty.latestVersion == nil)

            let created = try await client.createVersion(
                demo, Fixture.version(1, configuration: VersionConfiguration(hardwareIdentifier: "gpu-a10", variableNames: ["KEY"])))
            #expect(created.number == 1)
            #expect(created.containerImageDigest == digest(1))
            #expect(created.configuration == VersionConfiguration(hardwareIdentifier: "gpu-a10", variableNames: ["KEY"]))
            #expect(created.compatibilities.openaiChatCompletions)
            let second = try await client.createVersion(demo, Fixture.version(2))
            #expect(second.number == 2)

            let details = try await client.version(demo, number: 1)
            #expect(details.releaseNotes == "release 1")
            #expect(details.schemas.prediction.output == ["type": "string"])
            #expect(try await client.version(VersionID(model: demo, number: 2)).containerImageDigest == digest(2))

            let page = try await client.listVersions(demo)
            #expect(page.items.map(\.number) == [2, 1])
            #expect(page.items.map(\.containerImageDigest) == [digest(2), digest(1)])
            #expect(page.nextCursor == nil)

            let model = try await client.model(demo)
            #expect(model.latestVersion?.number == 2)

            // The second version inherited the first one's configuration.
            #expect(try await client.configuration(demo, number: 2).hardwareIdentifier == "gpu-a10")
            let updated = try await client.updateConfiguration(
                demo, number: 2, ConfigurationUpdate(variableNames: ["KEY", "OTHER"]))
            #expect(updated == VersionConfiguration(hardwareIdentifier: "gpu-a10", variableNames: ["KEY", "OTHER"]))
            #expect(try await client.configuration(VersionID(model: demo, number: 2)) == updated)

            #expect(try await client.deleteVersion(demo, number: 1) == .deleted)
            #expect(try await client.allVersions(demo).collect().map(\.number) == [2])
            #expect(await session.storedDigests(demo) == [digest(2)])
        }
    }

    @Test("a first-attempt 404 on delete is an error, not a success")
    func deleteMissing() async throws {
        try await withSession { session in
            let error = await failure { try await session.client.deleteVersion(try VersionID(parsing: "alice/demo:9")) }
            guard case .notFound(let context) = error else {
                Issue.record("expected notFound, got \(String(describing: error))")
                return
            }
            #expect(context.method == "DELETE")
            #expect(context.path == "/v1/models/alice/demo/versions/9")
            #expect(context.detail == "Model version not found")
        }
    }

    @Test("listVersions pages with cursors and page sizes")
    func listPages() async throws {
        try await withSession { session in
            let demo = try Fixture.demo
            for seed in 1...7 { _ = try await session.client.createVersion(demo, Fixture.version(seed)) }
            let first = try await session.client.listVersions(demo, cursor: nil, pageSize: 5)
            #expect(first.items.map(\.number) == [7, 6, 5, 4, 3])
            let cursor = try #require(first.nextCursor)
            let second = try await session.client.listVersions(demo, cursor: cursor, pageSize: 5)
            #expect(second.items.map(\.number) == [2, 1])
            #expect(second.nextCursor == nil)
            #expect(second.previousCursor != nil)
        }
    }

    @Test("a read-only client reads the same things as the full client")
    func readOnly() async throws {
        try await withSession { session in
            let demo = try Fixture.demo
            _ = try await session.client.createVersion(demo, Fixture.version(1))
            let reader: some WriftAIReading = session.client.readOnly
            #expect(try await reader.model(demo).latestVersion?.number == 1)
            #expect(try await reader.listVersions(demo, cursor: nil, pageSize: 5).items.count == 1)
            #expect(try await reader.allVersions(demo).collect().map(\.containerImageDigest) == [digest(1)])
            #expect(try await reader.version(demo, number: 1).number == 1)
            #expect(try await reader.configuration(demo, number: 1).hardwareIdentifier == "cpu")

            let stats = try await session.stats()
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions") == 1)
            #expect(stats.requests.filter { $0.method != "GET" }.map(\.count).reduce(0, +) == 1)
        }
    }

    @Test("withClient runs the body and shuts the client down, also when the body throws")
    func scopedClient() async throws {
        try await withSession { session in
            let configuration = Fixture.client(session.emulator)
            let name = try await WriftAIClient.withClient(configuration: configuration) { client in
                try await client.model(try Fixture.demo).name
            }
            #expect(name == "demo")
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                try await WriftAIClient.withClient(configuration: configuration) { _ in throw Stop() }
            }
        }
    }
}
