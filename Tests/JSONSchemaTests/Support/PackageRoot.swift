import Foundation

/// Paths of the package, found from this file.
enum PackageRoot {
    /// The package's root directory.
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // JSONSchemaTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The test virtualenv's Python, which `make test` (`make venv`) creates with `jsonschema` in it.
    static var python: URL { url.appendingPathComponent(".build-venv/bin/python") }
}

/// Runs `executable` with `arguments` to its end and returns its status and output, killing it after
/// `timeout`.
func runProcess(_ executable: URL, _ arguments: [String], timeout: Duration = .seconds(300)) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(["PYTHONDONTWRITEBYTECODE": "1"]) { _, new in new }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        if process.isRunning { process.terminate() }
    }
    let data = try await Task.detached { try pipe.fileHandleForReading.readToEnd() ?? Data() }.value
    process.waitUntilExit()
    watchdog.cancel()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
