import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why the harness stopped: a command failed, a server did not start, an expectation did not hold.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A finished process: exit status, wall time, and peak resident memory from wait4's rusage.
struct Finished {
    var status: Int32
    var seconds: Double
    var maxRSSKiB: Int
    var stdoutPath: String
    var stderrPath: String
    var cpuSeconds = 0.0

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var peakMiB: Double { Double(maxRSSKiB) / 1024 }
}

/// Monotonic seconds.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Processes started with posix_spawn (Foundation's Process stalls with servers that close inherited
/// descriptors), stdout and stderr to files, the environment of the harness plus `environment`.
enum Processes {
    static func spawn(_ command: [String], environment: [String: String] = [:], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        // A path is started as is; a name is looked up on PATH by env. (A timed `wriftsync` is a path: its
        // time is not to include starting env first.)
        let byPath = command.first?.hasPrefix("/") == true
        let executable = byPath ? command[0] : "/usr/bin/env"
        let argv = (byPath ? command : [executable] + command).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The harness's threads block most signals (NIO, Dispatch); a child would inherit that mask and
        // ignore SIGTERM. Start children with nothing blocked and default dispositions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw HarnessError("cannot start \(command.joined(separator: " ")): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Waits for `pid`; the status is the exit code, or 128 + the signal.
    static func wait(_ pid: pid_t) -> (status: Int32, maxRSSKiB: Int) {
        let (status, rss, _) = waitWithCPU(pid)
        return (status, rss)
    }

    /// Waits for `pid`: exit code (or 128 + the signal), peak RSS in KiB, user + system CPU seconds.
    static func waitWithCPU(_ pid: pid_t) -> (status: Int32, maxRSSKiB: Int, cpuSeconds: Double) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return (code, Int(usage.ru_maxrss), cpu)
    }

    /// Runs `command` to completion, timing it.
    static func run(_ command: [String], environment: [String: String] = [:], logs: String) throws -> Finished {
        let started = now()
        let pid = try spawn(command, environment: environment, stdout: logs + ".out", stderr: logs + ".err")
        let (status, rss, cpu) = waitWithCPU(pid)
        return Finished(status: status, seconds: now() - started, maxRSSKiB: rss, stdoutPath: logs + ".out", stderrPath: logs + ".err", cpuSeconds: cpu)
    }

    /// Runs `command` and fails unless it exits with one of `accepted`.
    @discardableResult
    static func check(_ command: [String], environment: [String: String] = [:], logs: String, accepted: Set<Int32> = [0]) throws -> Finished {
        let finished = try run(command, environment: environment, logs: logs)
        guard accepted.contains(finished.status) else {
            throw HarnessError("\(command.joined(separator: " ")) exited \(finished.status):\n\(finished.stderr.suffix(3000))\n\(finished.stdout.suffix(2000))")
        }
        return finished
    }
}

/// A long-running process (emulator, git server, `wriftsync run`), stopped with SIGTERM then reaped.
final class Server {
    let pid: pid_t
    let name: String
    let logs: String

    /// Starts `command` and waits until a line of its stdout satisfies `ready` (giving back that line).
    /// With `port`, the server is ready once that port accepts a connection (for servers that print nothing).
    /// `meanwhile` runs once the process is started, while it gets ready (e.g. while the emulator loads its state).
    init(_ name: String, _ command: [String], environment: [String: String] = [:], logs: String, timeout: Double = 60,
         ready: (String) -> Bool, port: Int? = nil, meanwhile: () throws -> Void = {}) throws {
        self.name = name
        self.logs = logs
        pid = try Processes.spawn(command, environment: environment, stdout: logs + ".out", stderr: logs + ".err")
        do {
            try meanwhile()
        } catch {
            kill(pid, SIGKILL)
            _ = Processes.wait(pid)
            throw error
        }
        let deadline = now() + timeout
        while true {
            if let port, canConnect(port) { return }
            let text = (try? String(contentsOfFile: logs + ".out", encoding: .utf8)) ?? ""
            if port == nil, let line = text.split(separator: "\n").first(where: { ready(String($0)) }) {
                readyLine = String(line)
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let errors = (try? String(contentsOfFile: logs + ".err", encoding: .utf8)) ?? ""
                throw HarnessError("\(name) exited before it was ready:\n\(errors.suffix(3000))")
            }
            if now() > deadline {
                kill(pid, SIGKILL)
                _ = Processes.wait(pid)
                throw HarnessError("\(name) did not get ready within \(Int(timeout)) s")
            }
            usleep(20_000)
        }
    }

    private(set) var readyLine = ""

    private var stopped: (status: Int32, maxRSSKiB: Int)?
    /// User + system CPU seconds the process used, once stopped.
    private(set) var cpuSeconds = 0.0

    /// SIGTERM, then the exit status and peak memory; SIGKILL after 20 s. Stopping twice is harmless.
    @discardableResult
    func stop() -> (status: Int32, maxRSSKiB: Int) {
        if let stopped { return stopped }
        kill(pid, SIGTERM)
        let deadline = now() + 20
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if now() > deadline {
                kill(pid, SIGKILL)
                let result = Processes.wait(pid)
                stopped = result
                return result
            }
            usleep(20_000)
        }
        let signal = status & 0x7F
        let result = (signal == 0 ? (status >> 8) & 0xFF : 128 + signal, Int(usage.ru_maxrss))
        cpuSeconds = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        stopped = result
        return result
    }
}

/// A TCP port free now on 127.0.0.1 (the kernel picks it; the socket is closed before use).
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw HarnessError("bind: \(String(cString: strerror(errno)))") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw HarnessError("getsockname: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func canConnect(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
