import Foundation
import Synchronization

/// A clock whose time moves only when a test moves it, so code that waits (the controller's loop, the
/// emulator's rate-limit windows, a trickled body) runs deterministically without the test sleeping.
///
/// - ``advance(by:)`` moves the time and wakes, in deadline order, every sleeper whose deadline has come.
/// - ``waitForSleepers(_:)`` and ``waitForSleeps(_:)`` tell the test that the code under test has reached
///   its next wait (no polling): advance, then wait for the next sleep, then look at what it did.
/// - ``date`` is the wall time that goes with it (``startDate`` plus the time advanced), for code that
///   stamps or windows by the calendar.
/// - With ``advancesOnSleep`` the clock jumps to each deadline as soon as someone sleeps, so the sleeper
///   returns at once and only clock time passes (for code that sleeps many times, like a trickled body).
///
/// Cancelling a sleeping task ends its sleep with `CancellationError`, as the real clocks do.
public final class TestClock: Clock, Sendable {
    /// A point on the clock: the time advanced since it was made.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// Time since the clock was made.
        public var offset: Duration

        /// The instant `offset` after the clock was made.
        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        /// The time from `rhs` to `lhs`, as for the real clocks' instants.
        public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.offset - rhs.offset }
        public var description: String { "TestClock+\(offset)" }
    }

    /// Why ``waitForSleepers(_:within:)`` or ``waitForSleeps(_:within:)`` gave up: the code under test never
    /// reached the wait expected (a bug in it or in the test); the limit only keeps a test from hanging.
    public struct WaitTimedOut: Error, CustomStringConvertible {
        /// What was waited for.
        public let expected: String
        /// What the clock saw instead.
        public let seen: String

        public var description: String { "gave up waiting for \(expected) on the test clock (saw \(seen))" }
    }

    private enum Sleep {
        /// Registered, its continuation not yet stored.
        case starting
        /// Cancelled before its continuation was stored.
        case cancelled
        case sleeping(deadline: Instant, continuation: CheckedContinuation<Void, any Error>)
    }

    private struct Watcher {
        var condition: @Sendable (Int, Int) -> Bool
        var continuation: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleeps: [UInt64: Sleep] = [:]
        /// How long each sleep begun so far asked to sleep, in order.
        var history: [Duration] = []
        var watchers: [UInt64: Watcher] = [:]
        var advancesOnSleep: Bool

        var sleeperCount: Int {
            sleeps.values.count { if case .sleeping = $0 { true } else { false } }
        }

        mutating func id() -> UInt64 {
            nextID += 1
            return nextID
        }

        /// Takes out the sleepers whose deadline has come, earliest first (ties in the order they slept).
        mutating func due() -> [CheckedContinuation<Void, any Error>] {
            var due: [(Instant, UInt64, CheckedContinuation<Void, any Error>)] = []
            for (id, sleep) in sleeps {
                if case .sleeping(let deadline, let continuation) = sleep, deadline <= now {
                    due.append((deadline, id, continuation))
                }
            }
            for (_, id, _) in due { sleeps[id] = nil }
            return due.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        }

        /// Takes out the watchers whose condition now holds.
        mutating func satisfied() -> [CheckedContinuation<Void, Never>] {
            let (sleepers, begun) = (sleeperCount, history.count)
            var resumed: [CheckedContinuation<Void, Never>] = []
            for (id, watcher) in watchers where watcher.condition(sleepers, begun) {
                if let continuation = watcher.continuation {
                    resumed.append(continuation)
                    watchers[id] = nil
                }
            }
            return resumed
        }
    }

    private let state: Mutex<State>
    /// The wall time at which the clock starts.
    public let startDate: Date

    /// A clock at offset zero whose wall time starts at `startDate` (a fixed date by default, so that
    /// tests print the same times on every run). With `advancesOnSleep`, see ``advancesOnSleep``.
    public init(startDate: Date = Date(timeIntervalSince1970: 1_800_000_000), advancesOnSleep: Bool = false) {
        self.startDate = startDate
        self.state = Mutex(State(advancesOnSleep: advancesOnSleep))
    }

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// The wall time now: ``startDate`` plus the time advanced.
    public var date: Date {
        let offset = now.offset.components
        return startDate.addingTimeInterval(Double(offset.seconds) + Double(offset.attoseconds) / 1e18)
    }

    /// Whether a sleep moves the clock to its deadline at once (and returns), instead of waiting for a test
    /// to advance it.
    public var advancesOnSleep: Bool {
        get { state.withLock { $0.advancesOnSleep } }
        set { state.withLock { $0.advancesOnSleep = newValue } }
    }

    /// How many tasks are sleeping on the clock now.
    public var sleepers: Int { state.withLock { $0.sleeperCount } }
    /// How many sleeps have begun since the clock was made (those that ended included).
    public var sleepsBegun: Int { state.withLock { $0.history.count } }
    /// How long each sleep begun so far asked to sleep (its deadline less the time when it began), in order.
    public var sleeps: [Duration] { state.withLock { $0.history } }
    /// The earliest deadline of the tasks sleeping now.
    public var nextDeadline: Instant? {
        state.withLock { state in
            state.sleeps.values.compactMap { sleep -> Instant? in
                if case .sleeping(let deadline, _) = sleep { deadline } else { nil }
            }.min()
        }
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            let id = state.id()
            state.sleeps[id] = .starting
            return id
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, woken, watchers) = state.withLock { state -> (Result<Void, any Error>?, [CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>]) in
                    if case .cancelled = state.sleeps[id] {
                        state.sleeps[id] = nil
                        return (.failure(CancellationError()), [], [])
                    }
                    state.history.append(state.now.duration(to: deadline))
                    if state.advancesOnSleep && deadline > state.now {
                        state.now = deadline
                    }
                    guard deadline > state.now else {
                        state.sleeps[id] = nil
                        return (.success(()), state.due(), state.satisfied())
                    }
                    state.sleeps[id] = .sleeping(deadline: deadline, continuation: continuation)
                    return (nil, [], state.satisfied())
                }
                for watcher in watchers { watcher.resume() }
                for sleeper in woken { sleeper.resume() }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                switch state.sleeps[id] {
                case .starting:
                    state.sleeps[id] = .cancelled
                    return nil
                case .sleeping(_, let continuation):
                    state.sleeps[id] = nil
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves the time forward by `duration` and wakes every sleeper whose deadline has come, earliest
    /// first. The sleepers woken are no longer counted in ``sleepers`` when this returns.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a clock does not go back")
        let woken = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            return state.due()
        }
        for sleeper in woken { sleeper.resume() }
    }

    /// Moves the time to the earliest deadline of the tasks sleeping now, waking them; returns how far it
    /// moved, or `nil` (without moving) when nobody sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Duration? {
        let (moved, woken) = state.withLock { state -> (Duration?, [CheckedContinuation<Void, any Error>]) in
            let deadlines = state.sleeps.values.compactMap { sleep -> Instant? in
                if case .sleeping(let deadline, _) = sleep { deadline } else { nil }
            }
            guard let next = deadlines.min() else { return (nil, []) }
            let moved = max(.zero, state.now.duration(to: next))
            state.now = max(state.now, next)
            return (moved, state.due())
        }
        for sleeper in woken { sleeper.resume() }
        return moved
    }

    /// Suspends until at least `count` tasks sleep on the clock at once. `limit` (real time) only keeps a
    /// broken test from hanging: reaching it throws ``WaitTimedOut``.
    public func waitForSleepers(_ count: Int = 1, within limit: Duration = .seconds(60)) async throws {
        try await waitFor("\(count) sleeper(s)", within: limit) { sleepers, _ in sleepers >= count }
    }

    /// Suspends until at least `count` sleeps have begun since the clock was made (see ``sleepsBegun``).
    /// `limit` (real time) only keeps a broken test from hanging: reaching it throws ``WaitTimedOut``.
    public func waitForSleeps(_ count: Int, within limit: Duration = .seconds(60)) async throws {
        try await waitFor("\(count) sleep(s) begun", within: limit) { _, begun in begun >= count }
    }

    /// Does `action` (advancing the clock, triggering the code under test), then suspends until a sleep begun
    /// after it: the code under test has done what the action set off and waits again. `limit` as for
    /// ``waitForSleeps(_:within:)``.
    public func nextSleep(within limit: Duration = .seconds(60), after action: () throws -> Void) async throws {
        let begun = sleepsBegun
        try action()
        try await waitForSleeps(begun + 1, within: limit)
    }

    private func waitFor(_ expected: String, within limit: Duration, _ condition: @escaping @Sendable (Int, Int) -> Bool) async throws {
        let met = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.watch(condition)
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: limit, clock: .continuous)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard met else {
            let seen = state.withLock { "\($0.sleeperCount) sleeping, \($0.history.count) sleep(s) begun, at \($0.now)" }
            throw WaitTimedOut(expected: expected, seen: seen)
        }
    }

    /// Returns once `condition(sleepers, sleepsBegun)` holds, or when the task is cancelled.
    private func watch(_ condition: @escaping @Sendable (Int, Int) -> Bool) async {
        let id = state.withLock { state in
            let id = state.id()
            state.watchers[id] = Watcher(condition: condition, continuation: nil)
            return id
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard state.watchers[id] != nil else { return true }
                    if condition(state.sleeperCount, state.history.count) {
                        state.watchers[id] = nil
                        return true
                    }
                    state.watchers[id]?.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state in state.watchers.removeValue(forKey: id)?.continuation }
            continuation?.resume()
        }
    }
}
