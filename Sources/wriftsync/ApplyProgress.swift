import Applier
import Foundation
import Synchronization

/// One line per change as it completes and, on a terminal, a progress counter with the time left.
/// Called from the concurrent model tasks, hence the lock.
final class ApplyProgress: Sendable {
    private struct State {
        var done = 0
    }

    private let total: Int
    private let rateLimit: Double
    private let output: ApplyOutput
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    /// - Parameter enabled: Whether to draw the counter (stderr is a terminal and the apply is long).
    init(total: Int, rateLimit: Double, output: ApplyOutput, enabled: Bool) {
        self.total = total
        self.rateLimit = rateLimit
        self.output = output
        self.enabled = enabled
    }

    /// Draws the counter before the first change completes.
    func start() {
        if enabled { state.withLock { _ in output.write(counter(done: 0), to: .standardError) } }
    }

    func completed(_ result: ActionResult) {
        state.withLock { state in
            state.done += 1
            if enabled { output.write("\r\u{1B}[K", to: .standardError) }
            output.note(ApplyText.line(result))
            if enabled, state.done < total { output.write(counter(done: state.done), to: .standardError) }
        }
    }

    func finish() {
        if enabled { state.withLock { _ in output.write("\r\u{1B}[K", to: .standardError) } }
    }

    /// `[12/40] about 10 s left`: one request per change at the rate limit, or at the pace seen so
    /// far when that is slower (retries, server limits).
    private func counter(done: Int) -> String {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let seen = done > 0 ? seconds / Double(done) : 0
        let perChange = max(rateLimit > 0 ? 1 / rateLimit : 0, seen)
        let left = Int((Double(total - done) * perChange).rounded(.up))
        return "[\(done)/\(total)] about \(left) s left"
    }
}
