import Foundation
import Testing
import WriftSyncTesting

/// The tests' own child processes (`ChildProcess`, which replaced Foundation's `Process`, whose `run()` crashed
/// the test process now and then): what goes in and out, how a child ended, and what it inherits.
@Suite(.onOwnThreads) struct ChildProcessTests {
    @Test func inputOutputAndStatusGoThroughTheirPipes() throws {
        let run = try Launcher.run("/bin/sh", ["-c", "cat; printf problem >&2; exit 3"], input: Data("hello".utf8))
        #expect(run.status == 3)
        #expect(run.stdout == "hello")
        #expect(run.stderr == "problem")
    }

    @Test func aChildEndedByASignalSaysWhich() throws {
        let process = try Launcher.launch("/bin/sh", ["-c", "kill -TERM $$"], standardInput: false)
        _ = Launcher.wait(process)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGTERM)
        #expect(!process.isRunning)
    }

    @Test func theHandlerRunsAtTheEndAndSignalsReachTheChild() throws {
        let ended = DispatchSemaphore(value: 0)
        let process = try Launcher.launch("/bin/sleep", ["600"], standardInput: false) { _ in ended.signal() }
        #expect(process.isRunning && process.processIdentifier > 0)
        process.terminate()
        #expect(ended.wait(timeout: .now() + 120) == .success, "the termination handler ran")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
    }

    @Test func theDirectoryAndEnvironmentAreTheOnesGiven() throws {
        let directory = try TemporaryDirectory("child")
        let process = try Launcher.launch(
            "/bin/sh", ["-c", "pwd; printf %s \"$CHILD_VALUE\"; printf %s \"${HOME-unset}\" >&2"],
            environment: ["CHILD_VALUE": "given"], unset: ["HOME"], directory: directory.path, standardInput: false
        )
        let run = Launcher.wait(process)
        #expect(run.status == 0)
        #expect(run.stdout == URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path + "\ngiven")
        #expect(run.stderr == "unset")
    }

    /// Another test's pipe in the child would keep that test's reader waiting for the child's end.
    @Test func theChildHoldsNoDescriptorOfTheTestProcess() throws {
        let pipe = Pipe()
        let held = fcntl(pipe.fileHandleForWriting.fileDescriptor, F_DUPFD, 700)
        #expect(held >= 700)
        defer { close(held) }
        let run = try Launcher.run("/bin/ls", ["/proc/self/fd"])
        #expect(run.status == 0, "\(run.stderr)")
        let open = Set(run.stdout.split(separator: "\n").compactMap { Int32($0) })
        // 0, 1 and 2, and the directory `ls` reads.
        #expect(open.isSubset(of: [0, 1, 2, 3]), "\(open.sorted())")
    }

    /// A child inherits the spawning thread's blocked signals unless told otherwise, and a blocked SIGTERM
    /// would make `terminate()` do nothing: it starts as a fresh process does, none blocked and none ignored.
    @Test func aChildStartsWithNoSignalBlocked() throws {
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        // This thread's mask only (the suite runs each test on a thread of its own), restored after.
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let run = try Launcher.run("/bin/cat", ["/proc/self/status"])
        #expect(run.status == 0, "\(run.stderr)")
        let masks = Dictionary(uniqueKeysWithValues: run.stdout.split(separator: "\n").compactMap { line -> (String, UInt64)? in
            let parts = line.split(separator: ":\t")
            guard parts.count == 2, parts[0].hasPrefix("Sig"), let mask = UInt64(parts[1], radix: 16) else { return nil }
            return (String(parts[0]), mask)
        })
        #expect(masks["SigBlk"] == 0, "\(run.stdout)")
        // Signals 1 to 31; glibc keeps 32 and 33 (its thread cancellation and set-id signals) to itself.
        #expect(masks["SigIgn"].map { $0 & 0x7FFF_FFFF } == 0, "\(run.stdout)")
    }

    @Test func aMissingExecutableIsAnError() {
        #expect(throws: Shell.Failure.self) { try Launcher.launch("/nonexistent/program", []) }
    }
}
