@testable import Controller
import Synchronization
import Testing

/// The bound on history reads at once: two run, the rest wait their turn and all end.
@Suite struct ConcurrencyLimitTests {
    /// Bodies that wait until the test lets each go.
    final class Held: Sendable {
        let started = Mutex<[CheckedContinuation<Void, Never>]>([])
        let most = Mutex((now: 0, most: 0))

        func body(_ index: Int) async -> Int {
            most.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            await withCheckedContinuation { continuation in started.withLock { $0.append(continuation) } }
            most.withLock { $0.now -= 1 }
            return index
        }

        var waiting: Int { started.withLock { $0.count } }

        func releaseOne() -> Bool {
            guard let next = started.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return false }
            next.resume()
            return true
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func atMostTwoAtOnceAndEveryOneRuns() async throws {
        let limit = ConcurrencyLimit(2)
        let held = Held()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<10 {
                group.addTask { try await limit.run { await held.body(index) } }
            }
            while held.waiting < 2 { await Task.yield() }
            for _ in 0..<100 { await Task.yield() }
            #expect(held.waiting == 2, "the third waits for a turn")
            #expect(await limit.current == 2)
            var finished: [Int] = []
            while finished.count < 10 {
                if held.releaseOne(), let index = try await group.next() { finished.append(index) } else { await Task.yield() }
            }
            #expect(Set(finished) == Set(0..<10))
        }
        #expect(held.most.withLock { $0.most } == 2)
        #expect(await limit.current == 0)
    }
}
