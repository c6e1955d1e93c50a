import Foundation
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// The `wriftai-emulator` executable in a process of its own (posix_spawn, like the other test
/// servers), so that a test can SIGKILL it mid-apply and start it again on the same port and state file.
final class EmulatorProcess: @unchecked Sendable {
    let pid: pid_t
    let port: Int
    private var reaped = false

    static var executable: String { BuildProducts.emulator }

    /// Starts the emulator with `arguments` plus `--port port` (0: a free one) and waits for its
    /// `listening on` line. Binding a port that a killed emulator held just before is retried for a
    /// few seconds (the listener sets SO_REUSEADDR, but the kernel may take a moment to free it).
    static func start(_ arguments: [String], port: Int = 0) throws -> EmulatorProcess {
        var lastFailure: (any Error)?
        for _ in 0..<50 {
            do {
                return try EmulatorProcess(arguments: arguments + ["--port", String(port)])
            } catch let failure as Shell.Failure where port != 0 {
                lastFailure = failure
                usleep(100_000)
            }
        }
        throw lastFailure ?? Shell.Failure(command: arguments, status: -1, output: "did not start")
    }

    private init(arguments: [String]) throws {
        let command = [Self.executable] + arguments
        var pipe: [Int32] = [-1, -1]
        guard Glibc.pipe(&pipe) == 0 else { throw Shell.Failure(command: command, status: errno, output: "pipe") }
        // Not inherited by anything another test spawns meanwhile, or a failed start would never read EOF.
        _ = fcntl(pipe[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipe[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of the test process: an emulator holding the write end of another test's pipe
        // (a `wriftsync` or `curl` child's output) would keep that test waiting for an end of file.
        try closeInheritedDescriptors(&actions, command: command)
        let (spawned, pid) = spawn(command, environment: ProcessInfo.processInfo.environment, actions: &actions)
        close(pipe[1])
        guard spawned == 0 else {
            close(pipe[0])
            throw Shell.Failure(command: command, status: spawned, output: "posix_spawn failed")
        }
        defer { close(pipe[0]) }
        var line = [UInt8]()
        var byte: UInt8 = 0
        while read(pipe[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let text = String(decoding: line, as: UTF8.self)
        let prefix = "listening on http://127.0.0.1:"
        guard text.hasPrefix(prefix), let parsed = Int(text.dropFirst(prefix.count).prefix { $0.isNumber }) else {
            // It exited (a port still taken, bad flags): reap it and let the caller retry.
            Self.reap(pid, signal: SIGKILL)
            throw Shell.Failure(command: command, status: -1, output: "did not start: \(text)")
        }
        self.pid = pid
        self.port = parsed
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var statsURL: String { "http://127.0.0.1:\(port)/_emulator/stats" }

    /// Kills the emulator with SIGKILL (no graceful anything) and reaps it.
    func kill() {
        guard !reaped else { return }
        reaped = true
        Self.reap(pid, signal: SIGKILL)
    }

    deinit { kill() }

    private static func reap(_ pid: pid_t, signal: Int32) {
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
