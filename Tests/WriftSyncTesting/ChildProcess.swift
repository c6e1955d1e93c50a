import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`: what the tests used Foundation's `Process` for, with the same
/// names for the parts they use. Foundation's `Process.run()` on Linux (Swift 6.3.1) copies 256 bytes for
/// each entry of `/proc/self/fd` it reads, past the end of glibc's buffer when an entry ends it, and now and
/// then crashed the whole test process (swiftlang/swift-corelibs-foundation#5472).
///
/// Its standard streams are a `Pipe` (the child gets the end it needs; the parent's copy of that end is
/// closed once the child runs, so that reading the other end meets the child's end of file),
/// `FileHandle.nullDevice`, another `FileHandle`, or `nil` (the test process's own). The child keeps no
/// other descriptor of the test process. A thread of its own reaps it and runs ``terminationHandler``.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public enum TerminationReason: Sendable {
        /// It exited; ``terminationStatus`` is its status.
        case exit
        /// A signal ended it; ``terminationStatus`` is the signal's number.
        case uncaughtSignal
    }

    private enum State {
        case notStarted
        case running(pid_t)
        case ended(pid: pid_t, status: Int32, reason: TerminationReason)
    }

    /// The executable to run (no search of `PATH`).
    public var executableURL: URL?
    /// Its arguments, after its own path.
    public var arguments: [String] = []
    /// Its whole environment; `nil` for the test process's own.
    public var environment: [String: String]?
    /// Where it starts; `nil` for the test process's directory.
    public var currentDirectoryURL: URL?
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?
    /// Called on the reaping thread once the child has ended.
    public var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    private let state = Mutex(State.notStarted)
    private let ended = NSCondition()

    public init() {}

    /// Starts the child. Throws when it cannot be started (no such executable, no such directory).
    public func run() throws {
        guard let path = executableURL?.path else { throw Shell.Failure(command: arguments, status: EINVAL, output: "no executable") }
        let command = [path] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentCopies: [FileHandle] = []
        for (descriptor, stream) in [(Int32(0), standardInput), (1, standardOutput), (2, standardError)] {
            switch stream {
            case nil:
                break
            case let pipe as Pipe:
                let childEnd = descriptor == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, childEnd.fileDescriptor, descriptor)
                parentCopies.append(childEnd)
            case let handle as FileHandle where handle === FileHandle.nullDevice:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
            case let handle as FileHandle:
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, descriptor)
            default:
                throw Shell.Failure(command: command, status: EINVAL, output: "a standard stream must be a Pipe or a FileHandle")
            }
        }
        if let directory = currentDirectoryURL?.path {
            guard FileManager.default.fileExists(atPath: directory) else {
                throw Shell.Failure(command: command, status: ENOENT, output: "no directory \(directory)")
            }
            try addChangeDirectory(&actions, directory, command: command)
        }
        // After the dup2s: every other descriptor of the test process (another test's pipes) stays behind.
        try closeInheritedDescriptors(&actions, command: command)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals as a fresh process has them: none blocked, none ignored (the test process ignores SIGPIPE).
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let (spawned, pid) = spawn(command, environment: environment ?? ProcessInfo.processInfo.environment, actions: &actions, attributes: &attributes)
        guard spawned == 0 else {
            throw Shell.Failure(command: command, status: spawned, output: "posix_spawn failed: \(String(cString: strerror(spawned)))")
        }
        for handle in parentCopies { try? handle.close() }
        state.withLock { $0 = .running(pid) }
        let reaper = Thread { [self] in reap(pid) }
        reaper.stackSize = 256 << 10
        reaper.start()
    }

    private func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let signal = status & 0x7F
        let end = State.ended(pid: pid, status: signal == 0 ? (status >> 8) & 0xFF : signal, reason: signal == 0 ? .exit : .uncaughtSignal)
        ended.lock()
        state.withLock { $0 = end }
        ended.broadcast()
        ended.unlock()
        terminationHandler?(self)
    }

    /// The child's process id (0 before it runs).
    public var processIdentifier: Int32 {
        state.withLock { state in
            switch state {
            case .notStarted: 0
            case .running(let pid), .ended(let pid, _, _): pid
            }
        }
    }

    /// Whether it was started and has not been reaped yet.
    public var isRunning: Bool {
        state.withLock { if case .running = $0 { true } else { false } }
    }

    /// Its exit status, or the number of the signal that ended it; 0 while it runs.
    public var terminationStatus: Int32 {
        state.withLock { if case .ended(_, let status, _) = $0 { status } else { 0 } }
    }

    /// Whether it exited or a signal ended it.
    public var terminationReason: TerminationReason {
        state.withLock { if case .ended(_, _, let reason) = $0 { reason } else { .exit } }
    }

    /// Blocks until the child has ended and been reaped; returns at once if it never ran.
    public func waitUntilExit() {
        ended.lock()
        defer { ended.unlock() }
        while isRunning { ended.wait() }
    }

    /// Sends SIGTERM.
    public func terminate() { send(SIGTERM) }

    /// Sends SIGINT.
    public func interrupt() { send(SIGINT) }

    private func send(_ signal: Int32) {
        state.withLock { state in
            if case .running(let pid) = state { kill(pid, signal) }
        }
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does not export.
private let addChdir: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
}()

private func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ directory: String, command: [String]) throws {
    guard let addChdir, addChdir(&actions, directory) == 0 else {
        throw Shell.Failure(command: command, status: errno, output: "posix_spawn_file_actions_addchdir_np (glibc 2.29+) failed")
    }
}
