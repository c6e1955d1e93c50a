import Foundation
import Synchronization

/// Runs blocking libgit2 work on its own thread and stops waiting for it at a deadline. libgit2 1.5 has
/// no network timeouts, and a stalled server would otherwise block the caller forever; the abandoned
/// thread ends when its socket does (its callbacks also abort at the deadline).
enum Deadline {
    static func run<T: Sendable>(
        timeout: Double,
        onTimeout: @autoclosure () -> GitSourceError,
        _ body: @escaping @Sendable () throws -> T
    ) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.name = "wriftsync-git"
        thread.start()
        guard done.wait(timeout: .now() + timeout) == .success else {
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
            let thread = Thread {
                let result = Result { try body() }
                if resumed.claim() { continuation.resume(with: result) }
            }
            thread.stackSize = 8 << 20
            thread.name = "wriftsync-git"
            thread.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if resumed.claim() { continuation.resume(throwing: onTimeout) }
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
