import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Version endpoints")
struct VersionEndpointTests {
    static let publicModels = Fixture.configuration(models: [
        InitialModel(owner: "alice", name: "demo"),
        InitialModel(owner: "alice", name: "open", visibility: .public),
    ])

    @Test("POST a version answers 201 with details and configuration; GET answers the details")
    func createAndGet() async throws {
        try await withRoutes { client in
            let body = Fixture.versionBody(
                1,
                configuration: ["hardware_identifier": "gpu-l4", "variable_names": ["HF_TOKEN"]]
            )
            let created = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: body)
            #expect(created.status == 201)
            let details: ModelVersionDetails = try created.decode()
            #expect(details.number == 1)
            #expect(details.releaseNotes == "release 1")
            #expect(details.containerImageDigest == digest(1))
            #expect(details.schemas.prediction.output == ["type": "string"])
            #expect(details.schemas.prediction.streamOutput == nil)
            #expect(details.compatibilities == Compatibilities(openaiChatCompletions: true))
            #expect(details.size != nil)
            #expect(details.configuration == VersionConfiguration(hardwareIdentifier: "gpu-l4", variableNames: ["HF_TOKEN"]))

            let fetched = try await client.send(.get, "/v1/models/alice/demo/versions/1", token: Users.alice)
            #expect(fetched.status == 200)
            var expected = details
            expected.configuration = nil
            #expect(try fetched.decode(ModelVersionDetails.self) == expected)
            #expect(fetched.json?["configuration"] == nil)
            #expect(fetched.json?["size"]?.numberValue != nil)
        }
    }

    @Test("a version without configuration inherits the latest version's; the first gets the default")
    func inheritance() async throws {
        try await withRoutes { client in
            let first: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1)
            ).decode()
            #expect(first.configuration == VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []))

            let explicit = VersionConfiguration(hardwareIdentifier: "gpu-h100", variableNames: ["A", "B"])
            _ = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice,
                json: Fixture.versionBody(2, configuration: ["hardware_identifier": "gpu-h100", "variable_names": ["A", "B"]]))
            let inherited: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(3)
            ).decode()
            #expect(inherited.configuration == explicit)

            // After the latest is deleted, the one before it is the latest to inherit from.
            _ = try await client.send(
                .patch, "/v1/models/alice/demo/versions/2/configuration", token: Users.alice,
                json: ["hardware_identifier": "gpu-a10"])
            _ = try await client.send(.delete, "/v1/models/alice/demo/versions/3", token: Users.alice)
            let afterDelete: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(4)
            ).decode()
            #expect(afterDelete.number == 4)
            #expect(afterDelete.configuration == VersionConfiguration(hardwareIdentifier: "gpu-a10", variableNames: ["A", "B"]))
        }
    }

    @Test("a stream_output schema is kept")
    func streamOutput() async throws {
        try await withRoutes { client in
            var body = Fixture.versionBody(1).objectValue!
            body["schemas"] = ["prediction": ["input": [:], "output": [:], "stream_output": ["type": "string"]]]
            let created: ModelVersionDetails = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: .object(body)
            ).decode()
            #expect(created.schemas.prediction.streamOutput == ["type": "string"])
        }
    }

    @Test("DELETE answers 204 with an empty body; the version is gone")
    func delete() async throws {
        try await withRoutes { client in
            _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            let deleted = try await client.send(.delete, "/v1/models/alice/demo/versions/1", token: Users.alice)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            let gone = try await client.send(.get, "/v1/models/alice/demo/versions/1", token: Users.alice)
            #expect(gone.status == 404)
            #expect(gone.detail == "Model version not found")
            let again = try await client.send(.delete, "/v1/models/alice/demo/versions/1", token: Users.alice)
            #expect(again.status == 404)
        }
    }

    @Test("configuration: GET answers it, PATCH replaces only the given fields")
    func configuration() async throws {
        try await withRoutes { client in
            _ = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice,
                json: Fixture.versionBody(1, configuration: ["hardware_identifier": "cpu", "variable_names": ["A"]]))
            let path = "/v1/models/alice/demo/versions/1/configuration"
            let initial = try await client.send(.get, path, token: Users.alice)
            #expect(initial.status == 200)
            #expect(try initial.decode(VersionConfiguration.self) == VersionConfiguration(hardwareIdentifier: "cpu", variableNames: ["A"]))

            let hardwareOnly = try await client.send(.patch, path, token: Users.alice, json: ["hardware_identifier": "gpu-t4"])
            #expect(hardwareOnly.status == 200)
            #expect(try hardwareOnly.decode(VersionConfiguration.self) == VersionConfiguration(hardwareIdentifier: "gpu-t4", variableNames: ["A"]))

            let variablesOnly = try await client.send(.patch, path, token: Users.alice, json: ["variable_names": ["B", "C"]])
            #expect(try variablesOnly.decode(VersionConfiguration.self) == VersionConfiguration(hardwareIdentifier: "gpu-t4", variableNames: ["B", "C"]))

            let after = try await client.send(.get, path, token: Users.alice)
            #expect(try after.decode(VersionConfiguration.self) == VersionConfiguration(hardwareIdentifier: "gpu-t4", variableNames: ["B", "C"]))

            let invalid = try await client.send(
                .patch, path, token: Users.alice, json: ["hardware_identifier": 3, "variable_names": "x"])
            #expect(invalid.status == 422)
            #expect(invalid.validationPaths == ["body.hardware_identifier", "body.variable_names"])
        }
    }

    struct NotFoundCase: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var body: JSONValue?
        var testDescription: String { "\(method) \(path)" }
    }

    @Test(
        "missing models and versions answer 404",
        arguments: [
            NotFoundCase(method: "GET", path: "/v1/models/alice/missing/versions"),
            NotFoundCase(method: "POST", path: "/v1/models/alice/missing/versions", body: Fixture.versionBody(9)),
            NotFoundCase(method: "GET", path: "/v1/models/alice/demo/versions/99"),
            NotFoundCase(method: "DELETE", path: "/v1/models/alice/demo/versions/99"),
            NotFoundCase(method: "GET", path: "/v1/models/alice/demo/versions/99/configuration"),
            NotFoundCase(method: "PATCH", path: "/v1/models/alice/demo/versions/99/configuration", body: ["variable_names": []]),
            NotFoundCase(method: "GET", path: "/v1/models/alice/missing/versions/1"),
        ]
    )
    func notFound(_ testCase: NotFoundCase) async throws {
        try await withRoutes { client in
            let answer = try await client.send(httpMethod(testCase.method), testCase.path, token: Users.alice, json: testCase.body)
            #expect(answer.status == 404)
            #expect(answer.detail?.isEmpty == false)
        }
    }

    struct AccessCase: Sendable, CustomTestStringConvertible {
        var method: String
        var suffix: String
        var body: JSONValue?
        var onPrivate: Int
        var onPublic: Int
        var testDescription: String { "bob \(method) alice/…\(suffix) → \(onPrivate) private, \(onPublic) public" }
    }

    @Test(
        "another user's private model is 404; writing to their public model is 403",
        arguments: [
            AccessCase(method: "GET", suffix: "/versions", onPrivate: 404, onPublic: 200),
            AccessCase(method: "GET", suffix: "/versions/1", onPrivate: 404, onPublic: 200),
            AccessCase(method: "POST", suffix: "/versions", body: Fixture.versionBody(5), onPrivate: 404, onPublic: 403),
            AccessCase(method: "DELETE", suffix: "/versions/1", onPrivate: 404, onPublic: 403),
            AccessCase(method: "GET", suffix: "/versions/1/configuration", onPrivate: 404, onPublic: 403),
            AccessCase(
                method: "PATCH", suffix: "/versions/1/configuration", body: ["variable_names": ["X"]],
                onPrivate: 404, onPublic: 403),
        ]
    )
    func access(_ testCase: AccessCase) async throws {
        try await withRoutes(Self.publicModels) { client in
            for model in ["demo", "open"] {
                let created = try await client.send(
                    .post, "/v1/models/alice/\(model)/versions", token: Users.alice, json: Fixture.versionBody(1))
                #expect(created.status == 201)
            }
            let method = httpMethod(testCase.method)
            let onPrivate = try await client.send(method, "/v1/models/alice/demo\(testCase.suffix)", token: Users.bob, json: testCase.body)
            let onPublic = try await client.send(method, "/v1/models/alice/open\(testCase.suffix)", token: Users.bob, json: testCase.body)
            #expect(onPrivate.status == testCase.onPrivate)
            #expect(onPublic.status == testCase.onPublic)
            // Refused writes changed nothing.
            let versions: Page<ModelVersion> = try await client.send(
                .get, "/v1/models/alice/open/versions", token: Users.alice).decode()
            #expect(versions.items.map(\.number) == [1])
            let configuration: VersionConfiguration = try await client.send(
                .get, "/v1/models/alice/open/versions/1/configuration", token: Users.alice).decode()
            #expect(configuration.variableNames.isEmpty)
        }
    }

    @Test("a version number that is not an integer answers 422 on path.number")
    func nonIntegerNumber() async throws {
        try await withRoutes { client in
            for (method, path) in [("GET", "/versions/abc"), ("DELETE", "/versions/1.5"), ("GET", "/versions/x/configuration")] {
                let answer = try await client.send(httpMethod(method), "/v1/models/alice/demo\(path)", token: Users.alice)
                #expect(answer.status == 422)
                #expect(answer.validationPaths == ["path.number"])
            }
        }
    }
}
