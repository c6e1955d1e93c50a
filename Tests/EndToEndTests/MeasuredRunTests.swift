import Foundation
import Testing
import WriftSyncTesting

/// The measuring spawn of the hostile suites (`posix_spawn` through GNU time, not Foundation's `Process`).
@Suite(.onOwnThreads) struct MeasuredRunTests {
    /// A child holding another test's pipe keeps that test's reader waiting for an end of file: measured runs
    /// of `wriftsync plan` against an in-process emulator could hold both threads of the cooperative pool that
    /// way, and nothing answered until the plan's 60 s timeout.
    @Test func theChildHoldsNoDescriptorOfTheTestProcess() throws {
        let pipe = Pipe()
        // A number no spawn opens on its own (Foundation's pipes, like this one, are inheritable).
        let held = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_DUPFD, 700)
        #expect(held >= 700)
        defer { close(held) }
        let run = try MeasuredRun.run(["/proc/self/fd"], timeout: 30, executable: "/bin/ls")
        #expect(run.status == 0, "\(run.stderr)")
        let open = Set(run.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(!open.contains(held), "the pipe's write end (\(held)) reached the child: \(open.sorted())")
        // 0, 1 and 2 from the spawn, the file GNU time writes its figures to, and the directory `ls` reads.
        #expect(open.count <= 5, "\(open.sorted())")
    }
}
