@testable import Controller
import Foundation
import Metrics
#if canImport(Glibc)
import Glibc
#endif
import Pipeline
import ServiceLifecycle
import Testing
import WriftSyncTesting

/// The controller's server closes a connection left idle: one that never asks, or a kept-alive one it no
/// longer uses, does not hold a descriptor and its buffers for ever. Nor may a client trickling a request a
/// byte at a time hold one.
@Suite struct IdleConnectionTests {
    /// The endpoints with `idleTimeout` and `requestTimeout`.
    static func endpoints(idle: Duration, request: Duration = .seconds(30), webhookSecret: [UInt8]? = nil) -> ControllerHTTP {
        ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: webhookSecret, logger: testLogger,
            trigger: {}, idleTimeout: idle, requestTimeout: request
        )
    }

    /// Serves `endpoints` on 127.0.0.1 (port 0) while `body` runs with the port, then stops them through their
    /// service group's graceful shutdown.
    static func serving(_ endpoints: ControllerHTTP, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: [endpoints.application(host: "127.0.0.1", port: 0) { port in bound.yield(port) }], gracefulShutdownSignals: [], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Sends `bytes` one every 100 ms, reading whatever the server answers meanwhile; the index of the byte at
    /// which the server had closed the connection, or nil if it never did.
    ///
    /// With `reading` false nothing is read: a close is seen only as a reset, which the server's side sends when
    /// a byte arrives after it closed (or when it closed with bytes unread).
    static func trickle(_ bytes: [UInt8], on descriptor: Int32, reading: Bool = true) -> Int? {
        for (index, byte) in bytes.enumerated() {
            // Without POLLIN asked, poll reports only an error or a hang-up.
            var poller = pollfd(fd: descriptor, events: reading ? Int16(POLLIN) : 0, revents: 0)
            if poll(&poller, 1, 100) == 1 {
                guard reading else { return index }
                // Whatever answer is waiting is read whole: the end of file comes after it.
                var answer = [UInt8](repeating: 0, count: 4096)
                if recv(descriptor, &answer, answer.count, 0) <= 0 { return index }
            }
            var one = byte
            if Glibc.send(descriptor, &one, 1, Int32(MSG_NOSIGNAL)) < 0 { return index }
        }
        return nil
    }

    static func send(_ text: String, on descriptor: Int32) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test(.timeLimit(.minutes(1)))
    func aConnectionThatNeverAsksIsClosed() async throws {
        try await Self.serving(Self.endpoints(idle: .milliseconds(300))) { port in
            // Connected, nothing sent: the server ends it (end of file) well within 10 s.
            let closedByServer = try await onOwnThread { () -> Bool in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return false }
                defer { close(descriptor) }
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 10_000) == 1 else { return false }
                var byte: UInt8 = 0
                return recv(descriptor, &byte, 1, 0) == 0
            }
            #expect(closedByServer, "an idle connection is closed by the server")
        }
    }

    /// The idle timeout restarts at every byte read: a client trickling a header or a webhook body a byte at a
    /// time kept its connection, its task and what it sent for as long as it liked. The request deadline ends it.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("a header line", "GET /status HTTP/1.1\r\nHost: x\r\n", "X-Slow: a"),
        ("a webhook body", "POST /hooks/git HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "{"),
    ])
    func aRequestTrickledAByteAtATimeIsCutOff(_ what: String, _ start: String, _ trickle: String) async throws {
        let endpoints = Self.endpoints(idle: .seconds(30), request: .milliseconds(500), webhookSecret: Array("secret".utf8))
        try await Self.serving(endpoints) { port in
            // A byte every 100 ms, well inside the idle timeout; the server must close it within 10 s.
            let bytesSent = try await onOwnThread { () -> Int? in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return nil }
                defer { close(descriptor) }
                Self.send(start, on: descriptor)
                return Self.trickle(Array(String(repeating: trickle, count: 100).utf8), on: descriptor)
            }
            let sent = try #require(bytesSent, "\(what) trickled for 10 s was never cut off")
            #expect(sent < 50, "cut off after \(sent) bytes (0.1 s each)")
        }
    }

    /// One answer larger than every buffer, never read, stalls the channel; a complete request pipelined behind it
    /// cancelled the stall timer with the request deadline's, and the connection was held for ever.
    @Test(.timeLimit(.minutes(1)))
    func aRequestBehindAStalledAnswerDoesNotKeepItsConnection() async throws {
        let metrics = ControllerMetrics()
        // One answer over the server's largest send buffer, NIO's and the client's small receive window together:
        // a few thousand long series (fewer, longer ones cost the other tests running beside this one less).
        let line = 4_030
        for index in 0..<((Self.largestSendBuffer() + (2 << 20)) / line) {
            _ = Counter(label: "padding", dimensions: [("series", String(repeating: "x", count: 4_000) + "\(index)")], factory: metrics.factory)
        }
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: metrics, readinessThreshold: .zero, webhookSecret: nil, logger: testLogger,
            trigger: {}, idleTimeout: .seconds(30), requestTimeout: .seconds(1)
        )
        try await Self.serving(endpoints) { port in
            let bytesSent = try await onOwnThread { () -> Int? in
                guard let descriptor = RawRequest.connectedSocket(port: port, receiveBuffer: 4096) else { return nil }
                defer { close(descriptor) }
                Self.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", on: descriptor)
                usleep(300_000)
                Self.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", on: descriptor)
                // Never read: the server's close shows as a reset within the 10 s of the trickle.
                return Self.trickle(Array(String(repeating: "X", count: 100).utf8), on: descriptor, reading: false)
            }
            try #require(bytesSent != nil, "an answer never read, a request behind it: the connection was never closed")
        }
    }

    /// A delivery announcing more than the webhook takes, or with no signature at all, is answered from its head:
    /// its body was read first (up to 5 MiB, for 30 s), by anyone, for nothing.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("too long", "Content-Length: 6000000\r\nX-Hub-Signature-256: sha256=\(String(repeating: "ab", count: 32))\r\n", "413"),
        ("unsigned", "Content-Length: 4000000\r\n", "401"),
    ])
    func aDeliveryRefusedByItsHeadIsAnsweredBeforeItsBody(_ what: String, _ headers: String, _ code: String) async throws {
        let endpoints = Self.endpoints(idle: .seconds(30), request: .seconds(30), webhookSecret: Array("secret".utf8))
        try await Self.serving(endpoints) { port in
            let answer = try await onOwnThread { () -> String? in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return nil }
                defer { close(descriptor) }
                // The head alone: the body never comes.
                Self.send("POST /hooks/git HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", on: descriptor)
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 10_000) == 1 else { return nil }
                var buffer = [UInt8](repeating: 0, count: 256)
                let count = recv(descriptor, &buffer, buffer.count, 0)
                return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
            }
            let line = try #require(answer, "\(what): no answer within 10 s, waiting for the body")
            #expect(line.hasPrefix("HTTP/1.1 \(code)"), "\(what): \(line)")
        }
    }

    /// The most a server's socket buffers to send: Linux grows it up to `tcp_wmem`'s maximum (4 MiB where that
    /// cannot be read).
    static func largestSendBuffer() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? 4 << 20
    }

    /// A client that pipelines requests and never reads the answers: the kernel's buffers fill, then NIO's, the
    /// channel is no longer writable and the answer being written waits, its end never written. The request
    /// deadline waits for that end, the idle timeout for no request in progress: nothing closed the connection,
    /// which held a task and the buffers for ever. Not writable for the request deadline, it is closed.
    @Test(.timeLimit(.minutes(1)))
    func aClientThatNeverReadsItsAnswersIsCutOff() async throws {
        // About 90 KB of metrics: a hundred answers overflow every buffer between the server and the client.
        let metrics = ControllerMetrics()
        for index in 0..<400 {
            _ = Counter(label: "padding", dimensions: [("series", String(repeating: "x", count: 200) + "\(index)")], factory: metrics.factory)
        }
        let answer = metrics.render().utf8.count
        // Twice what the server's send buffer holds at its largest, plus a MiB for NIO's (its high watermark is
        // 64 KiB) and the client's small receive buffer.
        let requests = 2 * (Self.largestSendBuffer() + (1 << 20)) / answer + 1
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: metrics, readinessThreshold: .zero, webhookSecret: nil, logger: testLogger,
            trigger: {}, idleTimeout: .seconds(30), requestTimeout: .milliseconds(500)
        )
        try await Self.serving(endpoints) { port in
            // Only the request deadline's 500 ms may close it within the 10 s of the trickle below.
            let bytesSent = try await onOwnThread { () -> Int? in
                // The receive buffer is set before connecting: the window is agreed then.
                guard let descriptor = RawRequest.connectedSocket(port: port, receiveBuffer: 4096) else { return nil }
                defer { close(descriptor) }
                Self.send(String(repeating: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", count: requests), on: descriptor)
                // Then a header trickled, never read from: the server's close shows as a reset.
                Self.send("GET /metrics HTTP/1.1\r\nHost: x\r\n", on: descriptor)
                return Self.trickle(Array(String(repeating: "X-Slow: a\r\n", count: 9).utf8), on: descriptor, reading: false)
            }
            try #require(bytesSent != nil, "\(requests) answers of \(answer) bytes never read, the connection was never closed")
        }
    }

    /// An answer that goes before its request's body has arrived (a 404 to a POST) must not switch the deadline
    /// off: the rest of that body, and the next request, still run against it.
    @Test(.timeLimit(.minutes(1)))
    func anEarlyAnswerDoesNotLiftTheDeadline() async throws {
        try await Self.serving(Self.endpoints(idle: .seconds(30), request: .milliseconds(500))) { port in
            let bytesSent = try await onOwnThread { () -> Int? in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return nil }
                defer { close(descriptor) }
                Self.send("POST /no-such-route HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", on: descriptor)
                // The 404 comes before the body (drained, whatever it says).
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 2_000) == 1 {
                    var answer = [UInt8](repeating: 0, count: 4096)
                    _ = recv(descriptor, &answer, answer.count, 0)
                }
                Self.send("12345", on: descriptor)
                Self.send("GET /status HTTP/1.1\r\nHost: x\r\n", on: descriptor)
                return Self.trickle(Array(repeating: UInt8(ascii: "a"), count: 100), on: descriptor)
            }
            let sent = try #require(bytesSent, "a request trickled after an early answer was never cut off")
            #expect(sent < 50, "cut off after \(sent) bytes (0.1 s each)")
        }
    }
}
