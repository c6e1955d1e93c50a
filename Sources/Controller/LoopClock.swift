import Foundation

/// Where ``ReconcileLoop`` takes its time from: a clock it measures reconciles and waits on (ticks, backoff,
/// the drift interval), and the wall time it stamps the status with (`last_run_at`, `next_run_at`,
/// `failing_since`, …).
///
/// `run` uses ``system``. Tests give the loop a clock they advance by hand, so that they move time instead
/// of sleeping and know when the loop has reached its next wait.
public struct LoopClock: Sendable {
    /// What the loop measures durations and waits on.
    public var clock: any Clock<Duration>
    /// The wall time now.
    public var now: @Sendable () -> Date

    /// A loop clock waiting on `clock` and reading the wall time from `now`; the two should move together.
    public init(clock: any Clock<Duration>, now: @escaping @Sendable () -> Date) {
        self.clock = clock
        self.now = now
    }

    /// The real clocks: the continuous clock (which keeps counting while the machine sleeps) and the
    /// system's wall time.
    public static var system: LoopClock {
        LoopClock(clock: ContinuousClock(), now: { Date() })
    }
}
