import Synchronization

/// One wait's end, signalled once by whichever comes first (the deadline, a trigger, a shutdown); a signal
/// before the waiter arrives is kept, so none is lost to a race.
final class WakeUp: Sendable {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Ends the wait; later calls do nothing.
    func fire() {
        let waiter = state.withLock { state in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once ``fire()`` has been called (at once if it already was). One waiter only.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { state in
                if !state.fired { state.waiter = continuation }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }
}
