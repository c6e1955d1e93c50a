import Foundation

/// A child process for async tests: its first line, its end and its output awaited, signals sent to it.
public final class Subprocess: Sendable {
    /// How a child ended.
    public struct Termination: Sendable, Equatable {
        /// The exit status, or the signal's number when it did not exit.
        public var status: Int32
        /// Whether it exited (rather than being killed by a signal).
        public var exited: Bool

        public init(status: Int32, exited: Bool) {
            self.status = status
            self.exited = exited
        }
    }

    private let process: ChildProcess
    private let stdout: Pipe
    private let stderr: Pipe
    private let ended: AsyncStream<Termination>

    /// Starts `executable` with `arguments` (through ``Launcher``), its standard input `/dev/null`;
    /// `environment` entries are added to the test's own.
    public init(executable: URL, arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        let (ended, continuation) = AsyncStream.makeStream(of: Termination.self)
        process = try Launcher.launch(executable.path, arguments, environment: environment, directory: directory?.path, standardInput: false) { process in
            continuation.yield(Termination(status: process.terminationStatus, exited: process.terminationReason == .exit))
            continuation.finish()
        }
        stdout = process.standardOutput as! Pipe
        stderr = process.standardError as! Pipe
        self.ended = ended
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The first line the child writes to standard output, or `nil` if it closes it first.
    public func firstLine() async -> String? {
        guard let text = try? await Launcher.firstLine(of: process), let newline = text.firstIndex(of: "\n") else { return nil }
        return String(text[..<newline])
    }

    /// Everything the child writes to `pipe` until it closes it, read on a thread of its own: on Linux the
    /// dispatch queues' threads are the cooperative pool's, which a blocking read must not hold.
    private func drain(_ pipe: Pipe) async -> String {
        let handle = pipe.fileHandleForReading
        let data = (try? await onOwnThread { handle.readDataToEndOfFile() }) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits for the child to end and collects the rest of its output.
    public func wait() async -> (termination: Termination?, stdout: String, stderr: String) {
        async let out = drain(stdout)
        async let err = drain(stderr)
        var iterator = ended.makeAsyncIterator()
        let termination = await iterator.next()
        return (termination, await out, await err)
    }

    /// Kills the child if it is still running, e.g. when a test failed half way.
    public func killIfRunning() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
