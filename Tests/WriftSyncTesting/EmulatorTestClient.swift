import Foundation
import Hummingbird
import HummingbirdTesting
import WriftAIEmulator
import WriftAIModels

/// A client for one emulator: over a real loopback connection (HTTP/1.1), or straight to its router in process
/// (HummingbirdTesting's `.router`), for the tests where the socket does not matter.
public struct EmulatorTestClient: Sendable {
    /// One answer.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPFields
        public var body: Data

        /// The body decoded as `T`.
        public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
            try JSONDecoder().decode(T.self, from: body)
        }

        /// The body as a JSON value.
        public var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }

        /// A header's value.
        public func header(_ name: String) -> String? {
            HTTPFields.Element.Name(name).flatMap { headers[$0] }
        }

        /// The `loc` of every entry of a 422 answer, as dotted paths.
        public var validationPaths: Set<String> {
            Set(((try? decode(ValidationErrorResponse.self))?.detail ?? []).map(\.path))
        }

        /// The `detail` of a `{"detail": "…"}` answer.
        public var detail: String? { (try? decode(ErrorResponse.self))?.detail }
    }

    private enum Transport: Sendable {
        case socket(TestClient, port: Int)
        case router(any TestClientProtocol)
    }

    private let transport: Transport

    /// A client over `client`, a connection to the emulator on `port`.
    public init(client: TestClient, port: Int) {
        transport = .socket(client, port: port)
    }

    /// A client sending straight to an application's router (the `client` of `app.test(.router)`).
    public init(router client: any TestClientProtocol) {
        transport = .router(client)
    }

    /// The emulator's port; only a client over a connection has one.
    public var port: Int {
        guard case let .socket(_, port) = transport else { preconditionFailure("an in-process emulator has no port") }
        return port
    }

    /// Sends a request; `json` (or `rawBody`, verbatim) is sent as the body when given.
    public func send(
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
        switch transport {
        case let .socket(client, port):
            headers[.connection] = "keep-alive"
            let response = try await client.execute(
                TestClient.Request(path, method: method, authority: "127.0.0.1:\(port)", headers: headers, body: body)
            )
            let bytes = response.body.map { Data($0.readableBytesView) } ?? Data()
            return Answer(status: Int(response.status.code), headers: response.headers, body: bytes)
        case let .router(client):
            let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
        }
    }

    /// Fetches `/_emulator/stats`.
    public func stats() async throws -> EmulatorStats {
        try await send(.get, "/_emulator/stats").decode()
    }
}

/// Opens a connection to the emulator on 127.0.0.1:`port`, runs `body` with a client over it and closes it.
/// `timeout` bounds each request on the real clock; an answer written in many pieces (a trickled body) needs
/// more under a full test run, where every piece waits its turn on two busy cores.
public func withClient<Value: Sendable>(
    port: Int,
    timeout: Duration = .seconds(30),
    _ body: (EmulatorTestClient) async throws -> Value
) async throws -> Value {
    let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout))
    client.connect()
    do {
        let value = try await body(EmulatorTestClient(client: client, port: port))
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}
