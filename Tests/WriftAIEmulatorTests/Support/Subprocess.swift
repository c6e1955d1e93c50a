import Foundation

/// A child process for tests, with its standard output and error captured.
final class Subprocess: Sendable {
    /// How a child ended.
    struct Termination: Sendable, Equatable {
        var status: Int32
        var exited: Bool
    }

    private let process: Process
    private let stdout = Pipe()
    private let stderr = Pipe()
    private let ended: AsyncStream<Termination>

    /// Starts `executable` with `arguments`; `environment` entries are added to the test's own.
    init(executable: URL, arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let (ended, continuation) = AsyncStream.makeStream(of: Termination.self)
        process.terminationHandler = { process in
            continuation.yield(Termination(status: process.terminationStatus, exited: process.terminationReason == .exit))
            continuation.finish()
        }
        self.process = process
        self.ended = ended
        try process.run()
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The first line the child writes to standard output, or `nil` if it closes it first.
    ///
    /// The blocking reads run on a dispatch queue, off Swift's small cooperative thread pool.
    func firstLine() async -> String? {
        let handle = stdout.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var data = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty {
                        continuation.resume(returning: nil)
                        return
                    }
                    data.append(chunk)
                    if let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
                        continuation.resume(returning: String(decoding: data[..<newline], as: UTF8.self))
                        return
                    }
                }
            }
        }
    }

    /// Everything the child writes to `pipe` until it closes it.
    private func drain(_ pipe: Pipe) async -> String {
        let handle = pipe.fileHandleForReading
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }
        }
    }

    /// Waits for the child to end and collects the rest of its output.
    func wait() async -> (termination: Termination?, stdout: String, stderr: String) {
        async let out = drain(stdout)
        async let err = drain(stderr)
        var iterator = ended.makeAsyncIterator()
        let termination = await iterator.next()
        return (termination, await out, await err)
    }

    /// Kills the child if it is still running, e.g. when a test failed half way.
    func killIfRunning() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Where the package's products are built: beside the test binary.
enum BuildProducts {
    static var directory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The package root, found from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // WriftAIEmulatorTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }
}
