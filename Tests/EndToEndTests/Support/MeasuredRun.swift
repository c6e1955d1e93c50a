import Foundation
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// A run of the `wriftsync` executable with what it cost: wall time and its peak resident memory.
/// The peak comes from GNU time (`/usr/bin/time -f %M`, its `wait4` rusage of wriftsync): `ru_maxrss` of a
/// process spawned straight from the test runner would start at the runner's own peak, which Linux
/// carries across `exec`; time's is about 1 MB.
struct MeasuredRun: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
    /// Peak resident set size of the child, in bytes.
    let peakMemory: Int
    /// Killed after the timeout.
    let timedOut: Bool

    var summary: String {
        String(format: "exit %d in %.2f s, peak RSS %.1f MB%@", status, seconds, Double(peakMemory) / 1_048_576, timedOut ? " (TIMED OUT)" : "")
    }

    /// Runs `wriftsync arguments` (or `executable`) to completion (its process group SIGKILLed after `timeout`
    /// seconds), its output in files so that no pipe can fill up. Blocks: call through `onOwnThread` when an
    /// in-process server runs.
    static func run(
        _ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 120,
        executable: String = SourceCommandTests.executable
    ) throws -> MeasuredRun {
        let directory = try TemporaryDirectory("measured")
        let outPath = directory.path + "/stdout", errPath = directory.path + "/stderr", timePath = directory.path + "/time"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, so that a timeout kills wriftsync too, not only time.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let time = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw Shell.Failure(command: [time], status: -1, output: "GNU time is needed to measure memory (Debian package `time`; `make deps` installs it)")
        }
        let command = [time, "-f", "%M", "-o", timePath, executable] + arguments
        // Without it the child keeps any pipe the test process has open, e.g. another test's `git` or
        // `wriftsync` output, whose reader then waits for this child's end (a plan waiting on an in-process
        // emulator whose threads are those readers: a standstill until the plan's 60 s timeout).
        try closeInheritedDescriptors(&actions, command: command)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        let clock = ContinuousClock()
        let start = clock.now
        let (spawned, pid) = spawn(command, environment: environment, actions: &actions, attributes: &attributes)
        guard spawned == 0 else { throw Shell.Failure(command: command, status: spawned, output: "posix_spawn failed") }
        var status: Int32 = 0
        var timedOut = false
        // Poll, so that a hang is killed and reported instead of hanging the suite.
        while waitpid(pid, &status, WNOHANG) == 0 {
            if clock.now - start > .seconds(timeout) {
                timedOut = true
                kill(-pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(2000)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // WIFEXITED / WEXITSTATUS, which Swift does not import: a signal shows as 128 + its number (time
        // passes wriftsync's status on the same way).
        let exit = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let read = { (path: String) in String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }
        // The last line is %M (kilobytes); time writes "Command exited with non-zero status N" before it.
        let kilobytes = read(timePath).split(separator: "\n").last.flatMap { Int($0) }
        return MeasuredRun(
            status: exit, stdout: read(outPath), stderr: read(errPath), seconds: seconds,
            peakMemory: (kilobytes ?? Int.max / 2048) * 1024, timedOut: timedOut
        )
    }
}
