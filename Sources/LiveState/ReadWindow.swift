import Synchronization

/// How many models are read at once.
///
/// A model's read is a suspended task holding its whole async frame (listing pages, details, the cache)
/// while it waits for the client's turn: 5,000 of them started together held 120 MB for a client that sends
/// 4 requests at a time. Past the window, a read waits here before its frame exists.
final class ReadWindow: Sendable {
    private struct State {
        var free: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// A window of `width` reads (at least one).
    init(width: Int) {
        state = Mutex(State(free: max(1, width)))
    }

    /// Waits for a place, first come first served.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    func enter() async throws {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let entered: Bool? = state.withLock { state in
                    if Task.isCancelled { return nil }
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    state.waiters.append((id, continuation))
                    return false
                }
                switch entered {
                case true?: continuation.resume()
                case nil: continuation.resume(throwing: CancellationError())
                case false?: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// How many reads wait for a place.
    var waitingCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Gives a place back: to the first read waiting, if any.
    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiters.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
