import NIOCore
import Testing
@testable import WriftAI

/// The sending part of each request runs on the client's event loop (``EventLoopExecutor``): this pins what
/// that relies on, that work preferring the executor runs on the loop, and so do its child tasks (a request's
/// wait for its turn under a deadline runs in one).
@Suite("Sending on the client's event loop")
struct EventLoopSendingTests {
    @Test("work preferring the client's executor runs on its event loop, its child tasks too; other work does not")
    func runsOnTheLoop() async throws {
        let client = try WriftAIClient(configuration: .init(server: .init(baseURL: "http://127.0.0.1:9/v1")))
        let loop = client.loop.eventLoop
        let task = await withTaskExecutorPreference(client.loop) { () async -> Bool in
            await Task.yield()
            return loop.inEventLoop
        }
        let children = await withTaskExecutorPreference(client.loop) {
            await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
                for _ in 0..<8 { group.addTask { loop.inEventLoop } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        let elsewhere = await Task.detached { loop.inEventLoop }.value
        try await client.shutdown()
        #expect(task)
        #expect(children == Array(repeating: true, count: 8))
        #expect(!elsewhere)
    }
}
