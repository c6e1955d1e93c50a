import Foundation
import Hummingbird
import HummingbirdTesting
import WriftAIEmulator
import WriftAIModels

/// A plain HTTP/1.1 client for one emulator, over a real loopback connection.
struct EmulatorTestClient: Sendable {
    /// One answer.
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: Data

        /// The body decoded as `T`.
        func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try JSONDecoder().decode(T.self, from: body)
        }

        /// The body as a JSON value.
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }

        /// A header's value.
        func header(_ name: String) -> String? {
            HTTPFields.Element.Name(name).flatMap { headers[$0] }
        }

        /// The `loc` of every entry of a 422 answer, as dotted paths.
        var validationPaths: Set<String> {
            Set(((try? decode(ValidationErrorResponse.self))?.detail ?? []).map(\.path))
        }

        /// The `detail` of a `{"detail": "…"}` answer.
        var detail: String? { (try? decode(ErrorResponse.self))?.detail }
    }

    let client: TestClient
    let port: Int

    /// Sends a request; `json` (or `rawBody`, verbatim) is sent as the body when given.
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String? = nil,
        json: JSONValue? = nil,
        rawBody: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONEncoder().encode(json))
        } else if let rawBody {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: rawBody)
        }
        headers[.connection] = "keep-alive"
        let response = try await client.execute(
            TestClient.Request(path, method: method, authority: "127.0.0.1:\(port)", headers: headers, body: body)
        )
        let bytes = response.body.map { Data($0.readableBytesView) } ?? Data()
        return Answer(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    /// Fetches `/_emulator/stats`.
    func stats() async throws -> EmulatorStats {
        try await send(.get, "/_emulator/stats").decode()
    }
}
