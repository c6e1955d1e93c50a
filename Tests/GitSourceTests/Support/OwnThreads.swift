import Foundation
import Testing

/// Runs every job of the tasks that prefer it on a thread of its own: tests that block (git, ssh-keygen, gpg,
/// servers started and waited for) then never hold one of the two threads of the cooperative pool, which the
/// tests measuring a loop's timing need.
final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = OwnThreadExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let thread = Thread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// `@Suite(.onOwnThreads)`: each test of the suite runs off the cooperative pool (see ``OwnThreadExecutor``),
/// with its test context intact, so its expectations are recorded as usual.
struct OnOwnThreads: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // A suite's own scope is entered once for it; only its test cases need a thread each.
        guard testCase != nil else { return try await function() }
        try await withTaskExecutorPreference(OwnThreadExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OnOwnThreads {
    /// Runs each test off the cooperative pool: for tests that block.
    static var onOwnThreads: Self { OnOwnThreads() }
}
