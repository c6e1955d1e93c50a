import Foundation

/// One JSON file under the state directory, changed only under an exclusive lock and replaced whole (written
/// aside, flushed, renamed), so that a kill leaves the old or the new content and two processes sharing the
/// directory do not lose each other's changes.
struct StateFile: Sendable {
    /// The file.
    let path: String
    /// What a failure is reported as (`the release gate's state`, …).
    let what: String

    /// The file's bytes, `nil` when it does not exist yet. A file that exists but cannot be read (its owner
    /// changed, a directory in its place, an I/O error) is an error: read as none, it lost every quarantine and
    /// applied commit it holds, and the next write replaced it with that loss.
    func read() throws(StateFileError) -> Data? {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var info = stat()
            if lstat(path, &info) != 0 && errno == ENOENT { return nil }
            throw StateFileError(what: what, path: path, reason: "cannot be read (\(error.localizedDescription)); fix its permissions or remove it")
        }
    }

    /// Replaces the file with `data`, readable by its owner only.
    func write(_ data: Data) throws(StateFileError) {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw StateFileError(what: what, path: path, reason: "cannot be written")
        }
        let descriptor = open(temporary, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw StateFileError(what: what, path: path, reason: "cannot be replaced: \(reason)")
        }
    }

    /// Runs `body` holding the file's lock (`<file>.lock`), creating the directory first.
    func locked<T>(_ body: () throws -> T) throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StateFileError(what: what, path: path, reason: "cannot be kept: its directory cannot be created (\(error.localizedDescription))")
        }
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StateFileError(what: what, path: path, reason: "its lock cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw StateFileError(what: what, path: path, reason: "cannot be locked: \(String(cString: strerror(errno)))")
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Encodes state files alike: sorted keys, readable.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// A state file cannot be used; says which and what to do.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
    /// What the file holds.
    public var what: String
    /// The file.
    public var path: String
    /// What went wrong, and what to do.
    public var reason: String

    public var description: String { "\(what) \(path) \(reason)" }
}
