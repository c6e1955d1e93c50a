import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A receiver for tests: an HTTP server on 127.0.0.1 (a free port) that records every request and answers
/// what the test scripts — a webhook endpoint, a Slack incoming webhook or the GitHub statuses API, as far
/// as a sender can tell.
public final class RecordingServer: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        /// `POST`, `GET`, …
        public let method: String
        /// The path with the query.
        public let path: String
        /// The headers, by lower-cased name (the last of repeated ones).
        public let headers: [String: String]
        /// The body.
        public let body: [UInt8]

        /// The body as text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    public let url: String
    private let recorded: Recorded

    init(port: Int, recorded: Recorded) {
        url = "http://127.0.0.1:\(port)"
        self.recorded = recorded
    }

    /// Every request so far, in arrival order.
    public var requests: [Request] { recorded.requests.withLock { $0 } }

    /// The requests, shared by the server's handler and the test.
    final class Recorded: Sendable {
        let requests = Mutex<[Request]>([])
    }
}

/// Starts a recording server, runs `body` with it, then shuts it down through its service group's graceful
/// shutdown and waits for it to stop. `respond(request, n)` is the status of the n-th request (from 0).
public func withRecordingServer<Value: Sendable>(
    respond: @escaping @Sendable (RecordingServer.Request, Int) -> Int = { _, _ in 200 },
    _ body: (RecordingServer) async throws -> Value
) async throws -> Value {
    let recorded = RecordingServer.Recorded()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        let bytes = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let received = RecordingServer.Request(
            method: request.method.rawValue, path: request.uri.description, headers: headers, body: Array(bytes.readableBytesView)
        )
        let index = recorded.requests.withLock { requests in
            requests.append(received)
            return requests.count - 1
        }
        let status = HTTPResponse.Status(code: respond(received, index))
        return Response(status: status, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
    var logger = Logger(label: "recording-server")
    logger.logLevel = .critical
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
        responder: responder,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "recording"),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { tasks in
        tasks.addTask {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await tasks.waitForAll()
            throw RecordingServerFailure()
        }
        let server = RecordingServer(port: port, recorded: recorded)
        do {
            let value = try await body(server)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// The server stopped before accepting connections.
public struct RecordingServerFailure: Error, CustomStringConvertible {
    public var description: String { "the recording server stopped before accepting connections" }
}
