import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON file holding an ``EmulatorState``, replaced atomically on every save.
public struct StateFile: Sendable {
    /// Why a state file could not be read or written.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the file.
        public let description: String
    }

    /// The file's path.
    public let path: String

    /// A state file at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The stored state, or `nil` if the file does not exist. Removes the temporary files of saves that a
    /// killed process left behind (theirs is the pid in the name, no longer running).
    public func load() throws -> EmulatorState? {
        removeAbandonedTemporaryFiles()
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "cannot read state file \(path): \(error)")
        }
        do {
            return try JSONDecoder().decode(EmulatorState.self, from: data)
        } catch {
            throw Failure(description: "state file \(path) is not valid emulator state: \(error)")
        }
    }

    private func removeAbandonedTemporaryFiles() {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0 else { continue }
            // ESRCH: no such process. A live process (this one, or another saving now) keeps its file.
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink("\(directory)/\(name)")
            }
        }
    }

    /// Writes `state` to a temporary file beside the target, flushes it to disk and renames it over
    /// the target, so a crash leaves either the old or the new file, never a torn one.
    public func save(_ state: EmulatorState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(state)
        let temporaryPath = "\(path).tmp-\(getpid())"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        var written = 0
        let writeError: Int32? = data.withUnsafeBytes { buffer -> Int32? in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        let syncFailed = fsync(descriptor) != 0
        close(descriptor)
        if let writeError {
            unlink(temporaryPath)
            throw Failure(description: "cannot write \(temporaryPath): \(String(cString: strerror(writeError)))")
        }
        if syncFailed {
            unlink(temporaryPath)
            throw Failure(description: "cannot flush \(temporaryPath) to disk")
        }
        guard rename(temporaryPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw Failure(description: "cannot replace \(path): \(message)")
        }
        // Flush the directory entry too, so the rename itself survives a power loss.
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}
