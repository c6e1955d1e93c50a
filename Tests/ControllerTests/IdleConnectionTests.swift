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
}
