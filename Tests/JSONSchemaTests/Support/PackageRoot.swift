import Foundation
import WriftSyncTesting

/// Paths of the package.
enum PackageRoot {
    /// The package's root directory.
    static var url: URL { BuildProducts.packageRoot }

    /// The test virtualenv's Python, which `make test` (`make venv`) creates with `jsonschema` in it.
    static var python: URL { url.appendingPathComponent(".build-venv/bin/python") }
}

/// Runs `executable` with `arguments` to its end and returns its status and output (standard output, then
/// error), killing it after `timeout`.
func runProcess(_ executable: URL, _ arguments: [String], timeout: Duration = .seconds(300)) async throws -> (status: Int32, output: String) {
    let process = try Subprocess(executable: executable, arguments: arguments, environment: ["PYTHONDONTWRITEBYTECODE": "1"])
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        process.killIfRunning()
    }
    let (termination, stdout, stderr) = await process.wait()
    watchdog.cancel()
    return (termination?.status ?? -1, stdout + stderr)
}
