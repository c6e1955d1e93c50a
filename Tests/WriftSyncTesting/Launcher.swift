import Foundation
import Synchronization

/// Where the package's products are built (beside the test binary), and where the package is.
public enum BuildProducts {
    /// The directory holding the built products.
    public static var directory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The built `wriftsync` executable.
    public static var wriftsync: String { directory.appendingPathComponent("wriftsync").path }

    /// The built `wriftai-emulator` executable.
    public static var emulator: String { directory.appendingPathComponent("wriftai-emulator").path }

    /// The package's root directory.
    public static var packageRoot: URL { URL(fileURLWithPath: Shell.packageRoot) }
}

/// How a child that ran to its end ended, and what it printed.
public struct ProcessOutput: Sendable {
    /// Its exit status (or the signal's number when a signal ended it).
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Starts child processes for tests (the built executables, scripts) with their output captured on pipes of
/// their own. ``Shell`` runs the helper commands (git, ssh-keygen, curl), whose two outputs it merges.
public enum Launcher {
    /// Starts `executable` with `arguments`, its standard output and error on pipes (or `/dev/null` with
    /// `discardingOutput`, for a child that prints without end), and its standard input on one too unless
    /// `standardInput` is false (then it reads `/dev/null`). `environment` entries are added to the test's own,
    /// the variables named in `unset` removed from it. `onExit` runs when the child ends. Read what it prints
    /// with ``wait(_:)``.
    public static func launch(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        unset: [String] = [],
        directory: String? = nil,
        standardInput: Bool = true,
        discardingOutput: Bool = false,
        onExit: (@Sendable (ChildProcess) -> Void)? = nil
    ) throws -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment
        for name in unset { inherited[name] = nil }
        process.environment = inherited.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = standardInput ? Pipe() : FileHandle.nullDevice
        process.standardOutput = discardingOutput ? FileHandle.nullDevice : Pipe()
        process.standardError = discardingOutput ? FileHandle.nullDevice : Pipe()
        if let onExit { process.terminationHandler = onExit }
        try process.run()
        return process
    }

    /// Reads both output pipes of a launched process to their end (concurrently, so that neither fills up and
    /// blocks the child), then reaps it. Blocks: call it through ``onOwnThread(_:)`` from async code.
    public static func wait(_ process: ChildProcess) -> ProcessOutput {
        expectOffCooperativePool("waiting for `\(process.executableURL?.lastPathComponent ?? "a process")`")
        let stdout = process.standardOutput as! Pipe, stderr = process.standardError as! Pipe
        let errorData = Mutex(Data())
        let done = Mutex(false)
        Thread {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
            done.withLock { $0 = true }
        }.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !done.withLock({ $0 }) { usleep(1000) }
        return ProcessOutput(
            status: process.terminationStatus,
            stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        )
    }

    /// Runs `executable` to its end with `input` on its standard input (then closed). Blocks.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data = Data()) throws -> ProcessOutput {
        let process = try launch(executable, arguments, environment: environment)
        let stdin = process.standardInput as! Pipe
        if !input.isEmpty { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        return wait(process)
    }

    /// What a launched process printed on its standard output up to the end of its first line (or all of it, if
    /// it closed the pipe first), read on a thread of its own. The rest stays in the pipe for ``wait(_:)``.
    public static func firstLine(of process: ChildProcess) async throws -> String {
        let handle = (process.standardOutput as! Pipe).fileHandleForReading
        return try await onOwnThread {
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
