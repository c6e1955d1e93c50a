import Foundation
import Synchronization

/// Runs blocking libgit2 work on its own thread and stops waiting for it at a deadline. libgit2 1.5 has
/// no network timeouts, and a stalled server would otherwise block the caller forever. At the deadline the
/// thread's sockets are shut down (``SocketStream/abort(_:)``), so the abandoned thread fails soon after and
/// lets go of the mirror's lock; its callbacks also abort at the deadline.
enum Deadline {
    static func run<T: Sendable>(
        timeout: Double,
        onTimeout: @autoclosure () -> GitSourceError,
        _ body: @escaping @Sendable () throws -> T
    ) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let worker = Worker()
        let thread = Thread {
            let result = worker.run { Result { try body() } }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.name = "wriftsync-git"
        thread.start()
        guard done.wait(timeout: .now() + timeout) == .success else {
            worker.abort()
            throw onTimeout()
        }
        return try outcome.withLock { $0! }.get()
    }

    /// The same without blocking the caller: the work runs on its own thread (the only thread hop) and the
    /// caller's task is resumed by whichever comes first, the work or the deadline.
    static func run<T: Sendable>(
        timeout: Double,
        onTimeout: GitSourceError,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let resumed = ResumeOnce()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let worker = Worker()
            let thread = Thread {
                let result = worker.run { Result { try body() } }
                if resumed.claim() { continuation.resume(with: result) }
            }
            thread.stackSize = 8 << 20
            thread.name = "wriftsync-git"
            thread.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if resumed.claim() {
                    worker.abort()
                    continuation.resume(throwing: onTimeout)
                }
            }
        }
    }
}

/// The thread doing one piece of deadline-bound work, so that the side giving up can stop its sockets.
private final class Worker: Sendable {
    private enum State { case waiting, running(pthread_t), abortedEarly, done }
    private let state = Mutex(State.waiting)

    /// Runs `body` on the calling thread, noted as this work's.
    func run<T>(_ body: () -> T) -> T {
        let me = pthread_self()
        let abortedEarly = state.withLock { state -> Bool in
            if case .abortedEarly = state { return true }
            state = .running(me)
            return false
        }
        if abortedEarly { SocketStream.abort(me) }
        defer {
            state.withLock { $0 = .done }
            SocketStream.finished(me)
        }
        return body()
    }

    /// Shuts the work's sockets down; the work, if still running, fails on its next read or write.
    func abort() {
        state.withLock { state in
            switch state {
            case .waiting: state = .abortedEarly
            case let .running(thread): SocketStream.abort(thread)
            case .abortedEarly, .done: break
            }
        }
    }
}

/// Lets exactly one of several racing parties resume a continuation.
private final class ResumeOnce: Sendable {
    private let done = Mutex(false)

    /// True for the first caller only.
    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
