import Foundation

/// Where the emulator takes its time from: the wall time it stamps and windows by (`created_at`, the
/// rate-limit windows and their `x-ratelimit-reset`, the rate-limit storm, the hostile 429s, the listing lag),
/// and the clock it measures and waits on (the phases of a prediction, `Prefer: wait`, injected latency and
/// slow answers, trickled bodies).
///
/// ``EmulatorConfiguration/clock`` is ``system`` unless a test gives its own: a frozen clock puts every request
/// in one rate-limit window; advancing it passes a window, a listing lag or a prediction's run without
/// sleeping.
public struct EmulatorClock: Sendable {
    private let wallTime: @Sendable () -> Date
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void
    /// Whether this is ``system``: waits may then be left to the event loops' own timers, which read the same
    /// monotonic time.
    let isSystem: Bool

    /// An emulator clock waiting on `clock` and reading the wall time from `now`; the two should move together.
    public init<C: Clock<Duration>>(clock: C, now: @escaping @Sendable () -> Date) {
        self.init(clock: clock, now: now, isSystem: false)
    }

    private init<C: Clock<Duration>>(clock: C, now: @escaping @Sendable () -> Date, isSystem: Bool) {
        self.isSystem = isSystem
        let origin = clock.now
        self.wallTime = now
        self.elapsed = { origin.duration(to: clock.now) }
        // No tolerance: without one, Dispatch may fire a 10 ms timer up to 1 ms late (a tenth of the wait,
        // at least 1 ms), and an emulated 20 ms round trip would take 21.
        self.sleeper = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: .zero) }
    }

    /// The real clocks: the continuous clock and the system's wall time.
    public static var system: EmulatorClock {
        EmulatorClock(clock: ContinuousClock(), now: { Date() }, isSystem: true)
    }

    /// The wall time now.
    public func now() -> Date {
        wallTime()
    }

    /// The wall time now, as Unix time in seconds.
    var unixTime: Double {
        wallTime().timeIntervalSince1970
    }

    /// The time on the clock since this emulator clock was made: an instant to measure from.
    func instant() -> Duration {
        elapsed()
    }

    /// Waits `duration` on the clock; cancellation ends the wait with `CancellationError`.
    func sleep(for duration: Duration) async throws {
        try await sleeper(duration)
    }
}
