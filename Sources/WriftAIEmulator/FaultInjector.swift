import JSONSchema
import Synchronization

/// Decides, from seeded generators, which requests fail, lose their answer, lose their connection or
/// answer slowly, and when a rate-limit storm runs.
///
/// Each fault mode has its own generator so that enabling one does not shift another's sequence.
final class FaultInjector: Sendable {
    /// When a connection is closed without an answer.
    enum Reset: Equatable {
        /// Before the request is acted on: nothing changed.
        case beforeActing
        /// After the request was acted on: the change happened, the answer is lost.
        case afterActing
    }

    private struct Generators {
        var fail: SplitMix64
        var lose: SplitMix64
        var reset: SplitMix64
        var resetMoment: SplitMix64
        var slow: SplitMix64
    }

    private struct Storm {
        /// Requests seen by the throttle so far.
        var seen = 0
        /// Unix time (whole seconds) at which the storm ends, once it has begun.
        var end: Int?
    }

    let faults: EmulatorConfiguration.Faults
    private let generators: Mutex<Generators>
    private let storm = Mutex(Storm())

    init(faults: EmulatorConfiguration.Faults) {
        self.faults = faults
        self.generators = Mutex(
            Generators(
                fail: SplitMix64(seed: faults.seed ^ 0x6661_696C),
                lose: SplitMix64(seed: faults.seed ^ 0x6C6F_7365),
                reset: SplitMix64(seed: faults.seed ^ 0x7265_7365),
                resetMoment: SplitMix64(seed: faults.seed ^ 0x6D6F_6D65),
                slow: SplitMix64(seed: faults.seed ^ 0x736C_6F77)
            )
        )
    }

    /// Whether to answer 503 without acting.
    func shouldFail() -> Bool {
        guard faults.failRate > 0 else { return false }
        return generators.withLock { $0.fail.nextUnit() } < faults.failRate
    }

    /// Whether to act and then answer 502.
    func shouldLoseResponse() -> Bool {
        guard faults.loseResponseRate > 0 else { return false }
        return generators.withLock { $0.lose.nextUnit() } < faults.loseResponseRate
    }

    /// Whether to close the connection without answering, and when; `nil` to answer.
    func reset() -> Reset? {
        guard faults.resetRate > 0 else { return nil }
        return generators.withLock { generators -> Reset? in
            guard generators.reset.nextUnit() < faults.resetRate else { return nil }
            return generators.resetMoment.nextUnit() < 0.5 ? .beforeActing : .afterActing
        }
    }

    /// Whether to hold this answer back for ``EmulatorConfiguration/Faults/slowMilliseconds``.
    func shouldAnswerSlowly() -> Bool {
        guard faults.slowRate > 0, faults.slowMilliseconds > 0 else { return false }
        return generators.withLock { $0.slow.nextUnit() } < faults.slowRate
    }

    /// During a rate-limit storm, the Unix time (whole seconds) at which it ends; `nil` to serve the
    /// request normally. Counts the request towards ``EmulatorConfiguration/Faults/throttleAfter``.
    func stormEnd(now: Double) -> Int? {
        guard faults.throttleSeconds > 0 else { return nil }
        return storm.withLock { storm -> Int? in
            if let end = storm.end {
                return Double(end) > now ? end : nil
            }
            storm.seen += 1
            guard storm.seen > faults.throttleAfter else { return nil }
            let end = Int(now.rounded(.up)) + faults.throttleSeconds
            storm.end = end
            return end
        }
    }
}
