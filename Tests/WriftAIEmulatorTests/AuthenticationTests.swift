import Hummingbird
import Testing
import WriftAIEmulator
import WriftAIModels

@Suite("Authentication")
struct AuthenticationTests {
    struct Endpoint: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var body: JSONValue?
        var testDescription: String { "\(method) \(path)" }
    }

    static let endpoints: [Endpoint] = [
        .init(method: .post, path: "/v1/models", body: ["name": "x"]),
        .init(method: .get, path: "/v1/models/alice/demo"),
        .init(method: .get, path: "/v1/models/alice/demo/versions"),
        .init(method: .post, path: "/v1/models/alice/demo/versions", body: Fixture.versionBody(1)),
        .init(method: .get, path: "/v1/models/alice/demo/versions/1"),
        .init(method: .delete, path: "/v1/models/alice/demo/versions/1"),
        .init(method: .get, path: "/v1/models/alice/demo/versions/1/configuration"),
        .init(method: .patch, path: "/v1/models/alice/demo/versions/1/configuration", body: ["variable_names": []]),
    ]

    @Test("no token, a wrong token or another scheme answers 401 on every endpoint", arguments: endpoints)
    func unauthorized(_ endpoint: Endpoint) async throws {
        try await withRoutes { client in
            let created = try await client.send(
                .post, "/v1/models/alice/demo/versions", token: Users.alice, json: Fixture.versionBody(1))
            #expect(created.status == 201)
            let missing = try await client.send(endpoint.method, endpoint.path, json: endpoint.body)
            let wrong = try await client.send(endpoint.method, endpoint.path, token: "nope", json: endpoint.body)
            #expect(missing.status == 401)
            #expect(wrong.status == 401)
            #expect(missing.detail == "Invalid or missing access token")
            #expect(missing.header("www-authenticate") == "Bearer")
            var basic = HTTPFields()
            basic[.authorization] = "Basic \(Users.alice)"
            let answer = try await client.send(endpoint.method, endpoint.path, headers: basic)
            #expect(answer.status == 401)
            // Nothing was acted on.
            let version = try await client.send(.get, "/v1/models/alice/demo/versions/1", token: Users.alice)
            #expect(version.status == 200)
        }
    }
}
