import Foundation
import NIOPosix
import Testing
@testable import WriftAI
import WriftAIEmulator
import WriftAIModels

@Suite("Pacing under the rate limit")
struct PacingTests {
    @Test("60 requests from concurrent callers against a 20/s limit: no 429, and at least 2.5 s")
    func underTheLimit() async throws {
        let emulator = Fixture.emulator(rateLimit: .init(authenticated: 20, unauthenticated: 1))
        // The client's defaults: 3/s until the server's headers say 20/s, 4 in flight, retries on.
        try await withSession(emulator: emulator, configure: { $0.pacing = .init() }) { session in
            let demo = try Fixture.demo
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        for _ in 0..<10 { _ = try await session.client.model(demo) }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = clock.now - start
            let stats = try await session.stats()
            #expect(stats.rateLimited == 0)
            #expect(stats.total == 60)
            #expect(elapsed >= .milliseconds(2500), "60 requests at 20/s took \(elapsed)")
            #expect(await session.client.pacer.currentRate == 20)
        }
    }

    @Test("a client configured faster than the server follows the server's headers: no 429")
    func followsTheServer() async throws {
        let emulator = Fixture.emulator(rateLimit: .init(authenticated: 10, unauthenticated: 1))
        try await withSession(emulator: emulator, configure: {
            $0.pacing = .init(requestsPerSecond: 200, maxInFlight: 4)
            $0.retry = .never
        }) { session in
            let demo = try Fixture.demo
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<6 { _ = try await session.client.model(demo) }
                    }
                }
                try await group.waitForAll()
            }
            let stats = try await session.stats()
            #expect(stats.rateLimited == 0)
            #expect(stats.total == 24)
        }
    }

    @Test("without server headers the configured rate spaces requests")
    func configuredRate() async throws {
        try await withSession(configure: { $0.pacing = .init(requestsPerSecond: 10) }) { session in
            let demo = try Fixture.demo
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<6 { _ = try await session.client.model(demo) }
            // Six requests at 10/s: five gaps of 100 ms.
            #expect(clock.now - start >= .milliseconds(500))
        }
    }

    @Test("no more requests in flight than allowed, and callers are served in arrival order")
    func inFlightAndFairness() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 2))
        let first = try await pacer.acquire()
        let second = try await pacer.acquire()
        let order = OrderRecorder()
        var tasks: [Task<Void, any Error>] = []
        for index in 0..<5 {
            tasks.append(Task {
                let permit = try await pacer.acquire()
                await order.enter(index)
                await order.leave()
                await pacer.finish(permit, observation: nil)
            })
            // Queue them one by one, so that arrival order is known.
            while await pacer.waitingCount < index + 1 { await Task.yield() }
        }
        #expect(await order.values.isEmpty, "nobody passes while 2 requests are in flight")
        // One slot freed while the other stays held: the callers pass through it one at a time, so the
        // order they pass in is the order the pacer granted, not a race between two woken tasks.
        await pacer.finish(first, observation: nil)
        for task in tasks { try await task.value }
        #expect(await order.values == [0, 1, 2, 3, 4])
        #expect(await order.mostAtOnce == 1, "with one request still in flight, only one caller at a time")
        await pacer.finish(second, observation: nil)
    }

    @Test(
        "a caller who finds a turn free and nobody in line gets it at once, without waiting for the pump's executor",
        .timeLimit(.minutes(1)))
    func turnAtOnce() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 2), pumpExecutor: EventLoopExecutor(eventLoop: loop))
        // The pump's loop is busy until the test lets it go: only turns decided at once can be had meanwhile.
        let busy = DispatchSemaphore(value: 0)
        loop.execute { busy.wait() }
        let first = try await pacer.acquire()
        let second = try await pacer.acquire()
        #expect(await pacer.waitingCount == 0)
        // Every slot taken: the third waits for the pump, which waits for its loop.
        let third = Task { try await pacer.acquire() }
        while await pacer.waitingCount < 1 { await Task.yield() }
        busy.signal()
        await pacer.finish(first, observation: nil)
        let next = try await third.value
        await pacer.finish(second, observation: nil)
        await pacer.finish(next, observation: nil)
        try await group.shutdownGracefully()
    }

    @Test("with turns ready ahead, as many callers again as may be in flight hold a turn, and no more")
    func readyAhead() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 2), readyAhead: 2)
        var permits: [RequestPacer.Permit] = []
        for _ in 0..<4 { permits.append(try await pacer.acquire()) }
        let fifth = Task { try await pacer.acquire() }
        while await pacer.waitingCount < 1 { await Task.yield() }
        #expect(await pacer.waitingCount == 1, "the fifth waits while four hold a turn")
        await pacer.finish(permits.removeFirst(), observation: nil)
        permits.append(try await fifth.value)
        #expect(await pacer.waitingCount == 0)
        for permit in permits { await pacer.finish(permit, observation: nil) }
    }

    @Test("an answer hands its turn straight to the next caller in line, and says so (the caller then yields the loop to it)")
    func handOffIsReported() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 1))
        let held = try await pacer.acquire()
        let waiting = Task { try await pacer.acquire() }
        while true {
            let (waiting, parked) = (await pacer.waitingCount, await pacer.isWaitingForSlot)
            if waiting == 1 && parked { break }
            await Task.yield()
        }
        #expect(await pacer.finish(held, observation: nil), "the freed turn went to the waiting caller")
        let next = try await waiting.value
        #expect(await pacer.waitingCount == 0)
        #expect(await !pacer.finish(next, observation: nil), "nobody waits: nothing was handed on")
    }

    @Test("a waiting caller that is cancelled leaves the queue")
    func cancellation() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 1))
        let held = try await pacer.acquire()
        let waiting = Task { try await pacer.acquire() }
        while await pacer.waitingCount < 1 { await Task.yield() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(await pacer.waitingCount == 0)
        await pacer.finish(held, observation: nil)
        let next = try await pacer.acquire()
        await pacer.finish(next, observation: nil)
    }

    @Test("an exhausted window holds requests until its reset")
    func windowBudget() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4))
        let permit = try await pacer.acquire()
        let reset = Date().timeIntervalSince1970 + 0.3
        await pacer.finish(permit, observation: RateLimitObservation(limit: 5, remaining: 0, reset: reset))
        let clock = ContinuousClock()
        let start = clock.now
        let next = try await pacer.acquire()
        await pacer.finish(next, observation: nil)
        #expect(clock.now - start >= .milliseconds(250))
    }
}

extension PacingTests {
    /// A pacer that waited for the reset would hold the request an hour: the time limit fails it. The refusal
    /// itself carries the wait it declined. (No wall-clock bound: under the full suite's load this pacer's pump,
    /// on the global executor, once waited 36 s for a thread.)
    @Test("a window that resets later than the longest allowed wait fails the next request at once", .timeLimit(.minutes(2)))
    func farWindowFailsAtOnce() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), maxWindowWait: .seconds(60))
        let permit = try await pacer.acquire()
        let reset = Date().timeIntervalSince1970 + 3600
        await pacer.finish(permit, observation: RateLimitObservation(limit: 3, remaining: 0, reset: reset, wasRateLimited: true))
        let refusal = await #expect(throws: RequestPacer.WindowTooFar.self) { _ = try await pacer.acquire() }
        #expect((refusal?.wait ?? .zero) > .seconds(3000), "refused for a reset an hour away, not waited for")
        #expect(await pacer.waitingCount == 0)
    }

    /// A wait became nanoseconds in an `Int64`: a rate of 1e-10 per second (one request every 1e10 s) trapped.
    @Test("a wait in seconds becomes nanoseconds without trapping, whatever its size", arguments: [
        (0.5, Int64(500_000_000)),
        (0, 0),
        (-1, 0),
        (.nan, 0),
        (1e10, Int64(RequestPacer.longestWait * 1e9)),
        (.infinity, Int64(RequestPacer.longestWait * 1e9)),
    ])
    func waitsSaturate(_ seconds: Double, _ nanoseconds: Int64) {
        #expect(RequestPacer.nanoseconds(seconds) == nanoseconds)
    }
}

/// Records the order in which tasks got through.
actor OrderRecorder {
    private(set) var values: [Int] = []
    private(set) var mostAtOnce = 0
    private var inside = 0

    func enter(_ value: Int) {
        values.append(value)
        inside += 1
        mostAtOnce = max(mostAtOnce, inside)
    }

    func leave() {
        inside -= 1
    }
}
