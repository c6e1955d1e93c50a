import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Models endpoints")
struct ModelEndpointTests {
    @Test("POST /v1/models creates a model owned by the caller; GET answers it with a null latest_version")
    func createAndGet() async throws {
        try await withRoutes { client in
            let created = try await client.send(
                .post, "/v1/models", token: Users.bob, json: ["name": "chat", "visibility": "public", "description": "d"])
            #expect(created.status == 201)
            let model: Model = try created.decode()
            #expect(model.name == "chat")
            #expect(model.owner.name == "bob")
            #expect(model.visibility == .public)
            #expect(model.description == "d")
            #expect(created.json?["latest_version"] == .null)

            let fetched = try await client.send(.get, "/v1/models/bob/chat", token: Users.bob)
            #expect(fetched.status == 200)
            #expect(try fetched.decode(Model.self) == model)

            let privateByDefault = try await client.send(.post, "/v1/models", token: Users.bob, json: ["name": "p"])
            #expect(try privateByDefault.decode(Model.self).visibility == .private)
        }
    }

    @Test("creating a model that exists answers 409")
    func conflict() async throws {
        try await withRoutes { client in
            let again = try await client.send(.post, "/v1/models", token: Users.alice, json: ["name": "demo"])
            #expect(again.status == 409)
            #expect(again.detail?.isEmpty == false)
            // The same name under another owner is another model.
            let other = try await client.send(.post, "/v1/models", token: Users.bob, json: ["name": "demo"])
            #expect(other.status == 201)
        }
    }

    @Test("an invalid model request lists every problem")
    func invalidModel() async throws {
        try await withRoutes { client in
            let answer = try await client.send(
                .post, "/v1/models", token: Users.alice, json: ["name": "no spaces!", "visibility": "secret", "description": 5])
            #expect(answer.status == 422)
            #expect(answer.validationPaths == ["body.name", "body.visibility", "body.description"])
            let missing = try await client.send(.post, "/v1/models", token: Users.alice, json: [:])
            #expect(missing.validationPaths == ["body.name"])
        }
    }

    @Test("GET a model: latest_version is the newest version's details")
    func latestVersion() async throws {
        try await withRoutes { client in
            for seed in 1...3 {
                _ = try await client.send(.post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(seed))
            }
            _ = try await client.send(.delete, "/v1/models/alice/demo/versions/3", token: Users.alice)
            let model: Model = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).decode()
            #expect(model.latestVersion?.number == 2)
            #expect(model.latestVersion?.containerImageDigest == digest(2))
            #expect(model.latestVersion?.configuration == nil)
        }
    }

    struct VisibilityCase: Sendable, CustomTestStringConvertible {
        var token: String
        var model: String
        var status: Int
        var testDescription: String { "\(token) GET \(model) → \(status)" }
    }

    @Test(
        "who may read which model",
        arguments: [
            VisibilityCase(token: Users.alice, model: "alice/demo", status: 200),
            VisibilityCase(token: Users.bob, model: "alice/demo", status: 404),
            VisibilityCase(token: Users.bob, model: "alice/open", status: 200),
            VisibilityCase(token: Users.alice, model: "alice/missing", status: 404),
        ]
    )
    func visibility(_ testCase: VisibilityCase) async throws {
        let configuration = Fixture.configuration(models: [
            InitialModel(owner: "alice", name: "demo"),
            InitialModel(owner: "alice", name: "open", visibility: .public),
        ])
        try await withRoutes(configuration) { client in
            let answer = try await client.send(.get, "/v1/models/\(testCase.model)", token: testCase.token)
            #expect(answer.status == testCase.status)
            if testCase.status == 404 {
                #expect(answer.detail == "Model not found")
            }
        }
    }
}
