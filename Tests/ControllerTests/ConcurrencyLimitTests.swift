@testable import Controller
import Foundation
import Hummingbird
import HummingbirdTesting
import Notifications
import Synchronization
import Testing

/// The bound on history reads at once: two run, a bounded number wait their turn and all end, more are refused
/// at once, and a waiter cancelled leaves without running.
@Suite struct ConcurrencyLimitTests {
    /// Bodies that wait until the test lets each go, and a record of the bodies that ran.
    final class Held: Sendable {
        let started = Mutex<[CheckedContinuation<Void, Never>]>([])
        let most = Mutex((now: 0, most: 0))
        let ran = Mutex<Set<Int>>([])

        func body(_ index: Int) async -> Int {
            most.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            await withCheckedContinuation { continuation in started.withLock { $0.append(continuation) } }
            most.withLock { $0.now -= 1 }
            return record(index)
        }

        /// Notes that the body `index` ran.
        func record(_ index: Int) -> Int {
            ran.withLock { _ = $0.insert(index) }
            return index
        }

        var waiting: Int { started.withLock { $0.count } }

        func releaseOne() -> Bool {
            guard let next = started.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return false }
            next.resume()
            return true
        }
    }

    /// Polls until `condition` holds, or the test is cancelled (its time limit ends a wait that never does).
    /// It sleeps between looks rather than yielding: on two cores, tasks spinning on `Task.yield()` in parallel
    /// test cases kept the task they waited for from running (a case hung to its time limit in a full run).
    static func until(_ condition: () async -> Bool) async {
        while await !condition(), !Task.isCancelled { try? await Task.sleep(for: .milliseconds(1)) }
    }

    /// Whether something happened, for a task to tell another without waiting for it.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// What `body` returns or throws, if it ends without waiting for a turn; `nil` (after cancelling it) as soon
    /// as `limit` has more than `waiters` waiting: it was queued rather than refused. Counted, not timed.
    static func refusedAtOnce<T: Sendable>(
        _ body: @escaping @Sendable () async throws -> T, by limit: ConcurrencyLimit, waiters: Int
    ) async -> Result<T, any Error>? {
        let ended = Flag()
        let task = Task {
            defer { ended.set() }
            return try await body()
        }
        await until { ended.isSet ? true : await limit.waiters > waiters }
        guard ended.isSet else {
            task.cancel()
            return nil
        }
        return await task.result
    }

    @Test(.timeLimit(.minutes(1)))
    func atMostTwoAtOnceAndEveryOneRuns() async throws {
        let limit = ConcurrencyLimit(2, maxWaiting: 8)
        let held = Held()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<10 {
                group.addTask { try await limit.run { await held.body(index) } }
            }
            await Self.until { held.waiting == 2 }
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

    /// With one body running and `bound` waiting, the next caller is refused at once, and its body never runs;
    /// those waiting all run.
    @Test(.timeLimit(.minutes(1)), arguments: [0, 1, 5])
    func oneBeyondTheQueueIsRefusedAtOnce(_ bound: Int) async throws {
        let limit = ConcurrencyLimit(1, maxWaiting: bound)
        let held = Held()
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await limit.run { await held.body(0) } }
            await Self.until { held.waiting == 1 }
            for index in 1..<(bound + 1) {
                group.addTask { try await limit.run { held.record(index) } }
                await Self.until { await limit.waiters == index }
            }
            let refused = await Self.refusedAtOnce({ try await limit.run { held.record(-1) } }, by: limit, waiters: bound)
            #expect(refused != nil, "the one beyond the queue waits instead")
            #expect(throws: ConcurrencyLimit.Full.self) { try refused?.get() }
            #expect(await limit.waiters == bound)
            #expect(await limit.current == 1)
            #expect(held.releaseOne())
            var finished: [Int] = []
            for try await index in group { finished.append(index) }
            #expect(Set(finished) == Set(0...bound))
        }
        #expect(held.ran.withLock { $0 } == Set(0...bound), "the refused body never ran")
        #expect(await limit.current == 0)
    }

    /// Waiters cancelled while they wait never run their bodies, and the turn passes on: whether a waiter
    /// leaves the queue before the turn comes, or is handed the turn and passes it on, `current` ends at 0 and
    /// a later caller runs.
    @Test(.timeLimit(.minutes(1)), arguments: [
        ("leave the queue before the turn comes", Set([1, 3]), true),
        ("are cancelled as the turn comes", Set([0, 1]), false),
        ("are all cancelled", Set([0, 1, 2, 3]), false),
    ] as [(String, Set<Int>, Bool)])
    func cancelledWaitersNeverRunAndNoTurnIsLost(_ what: String, _ cancelled: Set<Int>, _ waitForThemToLeave: Bool) async throws {
        let limit = ConcurrencyLimit(1, maxWaiting: 8)
        let held = Held()
        let first = Task { try await limit.run { await held.body(-1) } }
        await Self.until { held.waiting == 1 }
        var waiters: [Task<Int, any Error>] = []
        for index in 0..<4 {
            waiters.append(Task { try await limit.run { held.record(index) } })
            // One at a time, so that the queue's order is theirs.
            await Self.until { await limit.waiters == index + 1 }
        }
        for index in cancelled { waiters[index].cancel() }
        if waitForThemToLeave { await Self.until { await limit.waiters == 4 - cancelled.count } }
        #expect(held.releaseOne())
        #expect(try await first.value == -1)
        for (index, waiter) in waiters.enumerated() {
            if cancelled.contains(index) {
                await #expect(throws: CancellationError.self, "waiter \(index)") { try await waiter.value }
            } else {
                #expect(try await waiter.value == index)
            }
        }
        #expect(held.ran.withLock { $0 } == Set(-1..<4).subtracting(cancelled), "waiters that \(what) never run")
        #expect(await limit.current == 0)
        #expect(await limit.waiters == 0)
        #expect(try await limit.run { 7 } == 7, "a later caller runs")
        #expect(await limit.current == 0)
    }

    // MARK: - Over HTTP

    /// A history whose reads go through `limit`.
    struct LimitedHistory: HistoryReading {
        let limit: ConcurrencyLimit
        func records(model: String?, limit count: Int) async throws -> [HistoryEntry] {
            try await limit.run { [] }
        }
    }

    /// `GET /history` and the status page, with the history reads bounded by `limit`.
    static func endpoints(_ limit: ConcurrencyLimit, directory: String) -> ControllerHTTP {
        let status = StatusStore()
        status.update { $0.models["acme/a"] = .init(drifted: false, warnings: []) }
        var endpoints = ControllerHTTP(
            status: status, metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: nil, logger: testLogger, trigger: {},
            history: HistoryStore(configuration: .init(directory: directory)),
            dashboard: Dashboard(
                status: status, usage: APIUsage(), history: LimitedHistory(limit: limit), configuration: DashboardConfiguration(repository: "r")
            )
        )
        endpoints.historyReads = limit
        return endpoints
    }

    /// While as many reads run and wait as may, each route reading the history answers 503 at once, with
    /// `Retry-After`; once they are done, it answers again.
    @Test(.timeLimit(.minutes(1)), arguments: ["/history", "/", "/models/acme/a"])
    func aRouteReadingTheHistoryAnswers503WhenTheQueueIsFull(_ route: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-busy-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let limit = ConcurrencyLimit(1, maxWaiting: 1)
        let held = Held()
        try await Application(router: Self.endpoints(limit, directory: directory).router()).test(.router) { client in
            let running = Task { try await limit.run { await held.body(0) } }
            let waiting = Task { try await limit.run { held.record(1) } }
            await Self.until { held.waiting == 1 }
            await Self.until { await limit.waiters == 1 }
            let answer = await Self.refusedAtOnce({
                try await client.execute(uri: route, method: .get) { response in
                    (response.status, response.headers, String(decoding: response.body.readableBytesView, as: UTF8.self))
                }
            }, by: limit, waiters: 1)
            let (status, headers, body) = try #require(try answer?.get(), "the request waits for a turn instead")
            #expect(status == .serviceUnavailable)
            #expect(headers[.retryAfter] == "1")
            #expect(headers[.contentType] == "text/plain; charset=utf-8")
            #expect(body == "the history is busy: try again in a second\n")
            #expect(held.releaseOne())
            _ = try await (running.value, waiting.value)
            try await client.execute(uri: route, method: .get) { #expect($0.status == .ok) }
        }
        #expect(await limit.current == 0)
    }
}
