import Foundation
import Testing

/// The one thread hop, for blocking work (a subprocess, a wait, an fsync, a long computation) in async tests:
/// the pipeline's own `onOwnThread`, so that a test file importing this library has it without a copy.
@_exported import func Pipeline.onOwnThread

/// Waits (up to a generous limit) until `condition` holds; returns whether it did.
public func eventually(_ limit: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + limit
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Runs every job of the tasks that prefer it on a thread of its own: tests that block (git, ssh-keygen, gpg,
/// servers started and waited for) then never hold one of the two threads of the cooperative pool, which the
/// tests measuring a loop's timing need.
public final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    /// The one executor; it keeps no state.
    public static let shared = OwnThreadExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let thread = Thread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// `@Suite(.onOwnThreads)`: each test of the suite runs off the cooperative pool (see ``OwnThreadExecutor``),
/// with its test context intact, so its expectations are recorded as usual.
public struct OnOwnThreads: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // A suite's own scope is entered once for it; only its test cases need a thread each.
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(OwnThreadExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OnOwnThreads {
    /// Runs each test off the cooperative pool: for tests that block.
    public static var onOwnThreads: Self { OnOwnThreads() }
}
