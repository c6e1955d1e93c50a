import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import WriftAI
import WriftSyncTesting

/// The client's own HTTP/1.1 transport against a server whose every byte the test writes: what it does with
/// connections (counted on the server) and with answers that end early, say `Connection: close`, or are too
/// large. The client-level behaviour on top (errors, retries, deadlines) is in the other suites.
@Suite("The client's HTTP/1.1 transport", .onOwnThreads)
struct HTTP1TransportTests {
    private static let limit = 1 << 20

    /// An idle timeout no busy test machine reaches between two requests of one test, unless asked.
    private func transport(_ server: ScriptedServer, idleTimeout: TimeAmount = .seconds(600), maxConnections: Int = .max) -> HTTP1Transport {
        HTTP1Transport(
            host: "127.0.0.1", port: server.port, tls: nil, connectTimeout: .seconds(10), idleTimeout: idleTimeout,
            maxConnections: maxConnections)
    }

    private func request(_ path: String) -> HTTP1Transport.Request {
        HTTP1Transport.Request(method: .GET, uri: path, headers: [:], body: nil)
    }

    /// Waits (up to a generous limit) until `transport` holds `count` idle connections.
    private func idle(_ transport: HTTP1Transport, becomes count: Int) async throws -> Int {
        var idle = await transport.idleCount()
        let end = ContinuousClock.now + .seconds(60)
        while idle != count, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(5))
            idle = await transport.idleCount()
        }
        return idle
    }

    private func get(_ transport: HTTP1Transport, _ path: String, limit: Int = limit) async throws -> RawAnswer {
        try await transport.execute(
            HTTP1Transport.Request(method: .GET, uri: path, headers: [:], body: nil), limit: limit,
            deadline: .now() + .seconds(30)
        ).futureResult.get()
    }

    @Test("answers are read whole and their connection kept: 5 requests, 1 connection, each with its Host")
    func keptAlive() async throws {
        let server = try ScriptedServer { index, _ in .answer("{\"n\":\(index)}") }
        defer { server.stop() }
        let transport = transport(server)
        var bodies: [String] = []
        for index in 0..<5 {
            bodies.append(String(decoding: try await get(transport, "/v1/items/\(index)").body, as: UTF8.self))
        }
        await transport.shutdown()
        #expect(bodies == (0..<5).map { "{\"n\":\($0)}" })
        #expect(server.accepted == 1)
        #expect(server.received.map(\.requestLine) == (0..<5).map { "GET /v1/items/\($0) HTTP/1.1" })
        #expect(server.received.allSatisfy { $0.head.contains("\r\nHost: 127.0.0.1:\(server.port)") })
    }

    @Test("an answer saying Connection: close is read whole, and the next request opens a new connection")
    func connectionClose() async throws {
        let server = try ScriptedServer { index, _ in
            index == 0 ? .answer("closing", headers: ["Connection: close"]) : .answer("fresh")
        }
        defer { server.stop() }
        let transport = transport(server)
        let first = try await get(transport, "/a")
        let second = try await get(transport, "/b")
        await transport.shutdown()
        #expect(String(decoding: first.body, as: UTF8.self) == "closing")
        #expect(String(decoding: second.body, as: UTF8.self) == "fresh")
        #expect(server.received.map(\.connection) == [0, 1])
    }

    @Test("a connection the server closed while idle is dropped, and the next request opens a new one")
    func closedWhileIdle() async throws {
        // The server closes after its answer without saying so (HTTP/1.1 keeps alive by default).
        let server = try ScriptedServer { _, _ in
            var reply = ScriptedServer.Reply.answer("once")
            reply.close = true
            return reply
        }
        defer { server.stop() }
        let transport = transport(server)
        _ = try await get(transport, "/a")
        // The transport sees the end of the idle connection and forgets it.
        #expect(try await idle(transport, becomes: 0) == 0)
        let second = try await get(transport, "/b")
        await transport.shutdown()
        #expect(String(decoding: second.body, as: UTF8.self) == "once")
        #expect(server.received.map(\.connection) == [0, 1])
    }

    @Test("an answer cut short fails as such, never as a shorter answer; the next request gets a new connection")
    func cutShort() async throws {
        let server = try ScriptedServer { index, _ in
            guard index == 0 else { return .answer("whole") }
            return ScriptedServer.Reply(bytes: Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":".utf8), close: true)
        }
        defer { server.stop() }
        let transport = transport(server)
        await #expect(throws: HTTP1Transport.Failure.closedBeforeAnswer) { try await get(transport, "/a") }
        let second = try await get(transport, "/b")
        await transport.shutdown()
        #expect(String(decoding: second.body, as: UTF8.self) == "whole")
        #expect(server.accepted == 2)
    }

    @Test("an answer announcing or sending more than the limit is refused, and its connection not reused")
    func tooLarge() async throws {
        let big = String(repeating: "x", count: 2_000)
        let server = try ScriptedServer { index, _ in
            switch index {
            case 0: .answer(big)
            case 1:
                // Chunked: no length announced, so only the bytes can tell.
                ScriptedServer.Reply(bytes: Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n\(big)\r\n0\r\n\r\n".utf8))
            default: .answer("small")
            }
        }
        defer { server.stop() }
        let transport = transport(server)
        await #expect { try await get(transport, "/a", limit: 1_000) } throws: { error in
            (error as? RawAnswer.TooLarge)?.announced == 2_000
        }
        await #expect { try await get(transport, "/b", limit: 1_000) } throws: { error in
            let refused = error as? RawAnswer.TooLarge
            return refused != nil && refused?.announced == nil
        }
        let third = try await get(transport, "/c", limit: 1_000)
        await transport.shutdown()
        #expect(String(decoding: third.body, as: UTF8.self) == "small")
        #expect(server.received.map(\.connection) == [0, 1, 2])
    }

    @Test("the connection opened ahead serves the first request")
    func preconnected() async throws {
        let server = try ScriptedServer { _, _ in .answer("{}") }
        defer { server.stop() }
        let transport = transport(server)
        transport.preconnect()
        #expect(try await idle(transport, becomes: 1) == 1)
        _ = try await get(transport, "/a")
        _ = try await get(transport, "/b")
        await transport.shutdown()
        #expect(server.accepted == 1)
    }

    @Test("connections prepared for requests about to go out together serve them, and are counted until they close")
    func prepared() async throws {
        let server = try ScriptedServer { _, _ in .answer("{}") }
        defer { server.stop() }
        let transport = transport(server)
        transport.preconnect()
        transport.prepareConnections(3)
        #expect(await transport.openCount() == 3, "the one opened ahead counts: two more")
        #expect(try await idle(transport, becomes: 3) == 3)
        transport.prepareConnections(2)
        #expect(await transport.openCount() == 3, "never fewer than asked: nothing opened")
        async let a = get(transport, "/a")
        async let b = get(transport, "/b")
        async let c = get(transport, "/c")
        _ = try await (a, b, c)
        #expect(server.accepted == 3, "the three requests found their connections ready")
        // Closed: no longer counted. Shut down, nothing more is opened.
        await transport.shutdown()
        var open = await transport.openCount()
        let end = ContinuousClock.now + .seconds(60)
        while open != 0, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(5))
            open = await transport.openCount()
        }
        #expect(open == 0)
        transport.prepareConnections(2)
        #expect(await transport.openCount() == 0)
        #expect(server.accepted == 3)
    }

    @Test("a connection idle for the idle timeout is closed, and the next request opens a new one")
    func idleTimeout() async throws {
        let server = try ScriptedServer { _, _ in .answer("{}") }
        defer { server.stop() }
        let transport = transport(server, idleTimeout: .milliseconds(50))
        _ = try await get(transport, "/a")
        #expect(try await idle(transport, becomes: 0) == 0)
        _ = try await get(transport, "/b")
        await transport.shutdown()
        #expect(server.received.map(\.connection) == [0, 1])
    }

    @Test("after shutdown, an exchange fails at once and connects nowhere")
    func afterShutdown() async throws {
        let server = try ScriptedServer { _, _ in .answer("{}") }
        defer { server.stop() }
        let transport = transport(server)
        await transport.shutdown()
        await #expect(throws: HTTP1Transport.Failure.shutDown) { try await get(transport, "/a") }
        #expect(server.accepted == 0)
    }

    @Test("a request's body goes with its Content-Length and Content-Type; a target a request line cannot carry is refused")
    func requestShape() async throws {
        let server = try ScriptedServer { _, _ in .answer("{\"name\":\"demo\"}") }
        defer { server.stop() }
        let client = try WriftAIClient(configuration: .init(server: .init(baseURL: "http://127.0.0.1:\(server.port)/v1")))
        let post = Endpoint(method: .post, route: "/models/{owner}/{name}/versions", path: "/models/alice/demo/versions")
        let request = try client.makeRequest(post, body: Array("{\"a\":1}".utf8))
        let answer = try await client.transport.execute(request, limit: Self.limit, deadline: .now() + .seconds(30)).futureResult.get()
        #expect(answer.status == 200)
        let received = try #require(server.received.first)
        #expect(received.requestLine == "POST /v1/models/alice/demo/versions HTTP/1.1")
        #expect(received.head.contains("\r\nContent-Length: 7"))
        #expect(received.head.contains("\r\nContent-Type: application/json"))
        #expect(received.body == "{\"a\":1}")
        for target in ["/models/a b", "/models/a\r\nX-Injected: 1", "/models/é"] {
            #expect(throws: WriftAIClient.InvalidRequestTarget.self) {
                try client.makeRequest(Endpoint(method: .get, route: "/x", path: target), body: nil)
            }
        }
        try await client.shutdown()
        #expect(server.received.count == 1)
    }

    // MARK: - The line for a connection

    @Test("with every connection busy, requests wait in line and each goes out on the first connection freed, in order")
    func line() async throws {
        let server = try ScriptedServer { index, _ in .answer("{\"n\":\(index)}") }
        defer { server.stop() }
        let transport = transport(server, maxConnections: 1)
        let exchanges = (0..<4).map { transport.execute(request("/v1/items/\($0)"), limit: Self.limit, deadline: .now() + .seconds(30)) }
        var bodies: [String] = []
        for exchange in exchanges {
            bodies.append(String(decoding: try await exchange.futureResult.get().body, as: UTF8.self))
        }
        await transport.shutdown()
        #expect(bodies == (0..<4).map { "{\"n\":\($0)}" })
        #expect(server.accepted == 1, "never a second connection")
        #expect(server.received.map(\.requestLine) == (0..<4).map { "GET /v1/items/\($0) HTTP/1.1" })
    }

    @Test("a request in line past its deadline fails unsent; a request's timeout counts from the moment it has a connection")
    func lineDeadlines() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try ScriptedServer { index, _ in
            if index == 0 { release.wait() }
            return .answer("{\"n\":\(index)}")
        }
        defer { server.stop() }
        let transport = transport(server, maxConnections: 1)
        let held = transport.execute(request("/held"), limit: Self.limit, deadline: .now() + .seconds(60))
        let late = transport.execute(request("/late"), limit: Self.limit, deadline: .now() + .milliseconds(50))
        // A timeout the answer, once sent, meets even on a loaded machine (it is one write by a thread of its own).
        let patient = transport.execute(request("/patient"), limit: Self.limit, timeout: .seconds(3), deadline: .now() + .seconds(60))
        await #expect(throws: HTTP1Transport.Failure.deadlineExceeded) { try await late.futureResult.get() }
        // Longer in line than its timeout: still waiting, not failed.
        try await Task.sleep(for: .milliseconds(3200))
        let stillWaiting = try await transport.eventLoop.submit { !patient.isFinished }.get()
        #expect(stillWaiting)
        release.signal()
        _ = try await held.futureResult.get()
        #expect(String(decoding: try await patient.futureResult.get().body, as: UTF8.self) == "{\"n\":1}")
        await transport.shutdown()
        #expect(server.received.map(\.requestLine) == ["GET /held HTTP/1.1", "GET /patient HTTP/1.1"], "the late request was never sent")
    }

    @Test("shutting down fails the requests in line")
    func lineAtShutdown() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try ScriptedServer { _, _ in
            release.wait()
            return .answer("{}")
        }
        defer { server.stop() }
        let transport = transport(server, maxConnections: 1)
        let held = transport.execute(request("/held"), limit: Self.limit, deadline: .now() + .seconds(60))
        let waiting = transport.execute(request("/waiting"), limit: Self.limit, deadline: .now() + .seconds(60))
        await transport.shutdown()
        await #expect(throws: HTTP1Transport.Failure.shutDown) { try await waiting.futureResult.get() }
        release.signal()
        _ = try await held.futureResult.get()
        #expect(server.received.map(\.requestLine) == ["GET /held HTTP/1.1"])
    }

    @Test("a connection the server closes after its answer hands its place in the line to a new connection")
    func lineAfterClose() async throws {
        let server = try ScriptedServer { index, _ in
            index == 0 ? .answer("closing", headers: ["Connection: close"]) : .answer("fresh")
        }
        defer { server.stop() }
        let transport = transport(server, maxConnections: 1)
        let first = transport.execute(request("/a"), limit: Self.limit, deadline: .now() + .seconds(30))
        let second = transport.execute(request("/b"), limit: Self.limit, deadline: .now() + .seconds(30))
        #expect(String(decoding: try await first.futureResult.get().body, as: UTF8.self) == "closing")
        #expect(String(decoding: try await second.futureResult.get().body, as: UTF8.self) == "fresh")
        await transport.shutdown()
        #expect(server.received.map(\.connection) == [0, 1])
    }
}
