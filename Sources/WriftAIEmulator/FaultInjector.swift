import Synchronization

/// Decides, from seeded generators, which requests fail and which lose their answer.
///
/// Each fault mode has its own generator so that enabling one does not shift the other's sequence.
final class FaultInjector: Sendable {
    private struct Generators {
        var fail: SplitMix64
        var lose: SplitMix64
    }

    let faults: EmulatorConfiguration.Faults
    private let generators: Mutex<Generators>

    init(faults: EmulatorConfiguration.Faults) {
        self.faults = faults
        self.generators = Mutex(
            Generators(
                fail: SplitMix64(seed: faults.seed ^ 0x6661_696C),
                lose: SplitMix64(seed: faults.seed ^ 0x6C6F_7365)
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
}
