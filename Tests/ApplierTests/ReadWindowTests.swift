import Synchronization
import Testing
@testable import LiveState

/// The window that keeps thousands of models from each holding a suspended read at once.
@Suite("Read window")
struct ReadWindowTests {
    /// Reads that entered, in order.
    final class Entered: Sendable {
        let order = Mutex<[Int]>([])
        func add(_ value: Int) { order.withLock { $0.append(value) } }
        var values: [Int] { order.withLock { $0 } }
    }

    @Test("no more than its width inside at once; the others enter first come, first served")
    func widthAndOrder() async throws {
        let window = ReadWindow(width: 2)
        let entered = Entered()
        try await window.enter()
        try await window.enter()
        var waiting: [Task<Void, any Error>] = []
        for index in 1...3 {
            waiting.append(Task {
                try await window.enter()
                entered.add(index)
            })
            // Each queues before the next starts, so the order is known.
            while window.waitingCount < index { await Task.yield() }
        }
        #expect(entered.values.isEmpty, "the window is full")
        window.leave()
        try await waiting[0].value
        #expect(entered.values == [1])
        window.leave()
        window.leave()
        try await waiting[1].value
        try await waiting[2].value
        #expect(entered.values == [1, 2, 3])
    }

    @Test("a read cancelled while it waits leaves the queue and its place goes to the next")
    func cancellation() async throws {
        let window = ReadWindow(width: 1)
        try await window.enter()
        let cancelled = Task { try await window.enter() }
        while window.waitingCount < 1 { await Task.yield() }
        let next = Task { try await window.enter() }
        while window.waitingCount < 2 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(window.waitingCount == 1)
        window.leave()
        try await next.value
        #expect(window.waitingCount == 0)
        // An already cancelled task does not enter even with room.
        window.leave()
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await window.enter()
        }
        await #expect(throws: CancellationError.self) { try await late.value }
    }
}
