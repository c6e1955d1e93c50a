@testable import Controller
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Pipeline
import ServiceLifecycle
import Testing
import WriftSyncTesting

/// The controller's server closes a connection left idle: one that never asks, or a kept-alive one it no
/// longer uses, does not hold a descriptor and its buffers for ever.
@Suite struct IdleConnectionTests {
    @Test(.timeLimit(.minutes(1)))
    func aConnectionThatNeverAsksIsClosed() async throws {
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: nil, logger: testLogger,
            trigger: {}, idleTimeout: .milliseconds(300)
        )
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: [endpoints.application(host: "127.0.0.1", port: 0) { port in bound.yield(port) }], gracefulShutdownSignals: [], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
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
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The idle timeout restarts at every byte read: a client trickling a header or a webhook body a byte at a
    /// time kept its connection, its task and what it sent for as long as it liked. The request deadline ends it.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("a header line", "GET /status HTTP/1.1\r\nHost: x\r\n", "X-Slow: a"),
        ("a webhook body", "POST /hooks/git HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "{"),
    ])
    func aRequestTrickledAByteAtATimeIsCutOff(_ what: String, _ start: String, _ trickle: String) async throws {
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: Array("secret".utf8), logger: testLogger,
            trigger: {}, idleTimeout: .seconds(30), requestTimeout: .milliseconds(500)
        )
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: [endpoints.application(host: "127.0.0.1", port: 0) { port in bound.yield(port) }], gracefulShutdownSignals: [], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            // A byte every 100 ms, well inside the idle timeout; the server must close it within 10 s.
            let bytesSent = try await onOwnThread { () -> Int? in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return nil }
                defer { close(descriptor) }
                _ = Array(start.utf8).withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                let bytes = Array(String(repeating: trickle, count: 100).utf8)
                for (index, byte) in bytes.enumerated() {
                    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    if poll(&poller, 1, 100) == 1 {
                        // Whatever answer is waiting is read whole: the end of file comes after it.
                        var answer = [UInt8](repeating: 0, count: 4096)
                        if recv(descriptor, &answer, answer.count, 0) <= 0 { return index }
                    }
                    var one = byte
                    if send(descriptor, &one, 1, Int32(MSG_NOSIGNAL)) < 0 { return index }
                }
                return nil
            }
            let sent = try #require(bytesSent, "\(what) trickled for 10 s was never cut off")
            #expect(sent < 50, "cut off after \(sent) bytes (0.1 s each)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// An answer that goes before its request's body has arrived (a 404 to a POST) must not switch the deadline
    /// off: the rest of that body, and the next request, still run against it.
    @Test(.timeLimit(.minutes(1)))
    func anEarlyAnswerDoesNotLiftTheDeadline() async throws {
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: nil, logger: testLogger,
            trigger: {}, idleTimeout: .seconds(30), requestTimeout: .milliseconds(500)
        )
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: [endpoints.application(host: "127.0.0.1", port: 0) { port in bound.yield(port) }], gracefulShutdownSignals: [], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let bytesSent = try await onOwnThread { () -> Int? in
                guard let descriptor = RawRequest.connectedSocket(port: port) else { return nil }
                defer { close(descriptor) }
                func send(_ text: String) { _ = Array(text.utf8).withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
                send("POST /no-such-route HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
                // The 404 comes before the body (drained, whatever it says).
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 2_000) == 1 {
                    var answer = [UInt8](repeating: 0, count: 4096)
                    _ = recv(descriptor, &answer, answer.count, 0)
                }
                send("12345")
                send("GET /status HTTP/1.1\r\nHost: x\r\n")
                for index in 0..<100 {
                    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    if poll(&poller, 1, 100) == 1 {
                        // Whatever answer is waiting is read whole: the end of file comes after it.
                        var answer = [UInt8](repeating: 0, count: 4096)
                        if recv(descriptor, &answer, answer.count, 0) <= 0 { return index }
                    }
                    var one = UInt8(ascii: "a")
                    if Glibc.send(descriptor, &one, 1, Int32(MSG_NOSIGNAL)) < 0 { return index }
                }
                return nil
            }
            let sent = try #require(bytesSent, "a request trickled after an early answer was never cut off")
            #expect(sent < 50, "cut off after \(sent) bytes (0.1 s each)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
