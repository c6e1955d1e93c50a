import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file in the cache directory, held for a reconciler's lifetime so that two
/// reconcilers never share (and race on) one cache. The kernel drops it when the process exits.
public final class CacheLock: Sendable {
    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible {
        /// Another process holds it.
        case held(path: String)
        /// The lock file could not be opened.
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case let .held(path):
                return "another wriftsync reconciler is running on this cache (\(path) is locked); "
                    + "stop it or give this one another --cache-dir"
            case let .unusable(path, reason):
                return "cannot open the lock file \(path): \(reason)"
            }
        }
    }

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock on `directory/run.lock` without waiting, creating the directory if needed.
    public init(directory: String) throws(Failure) {
        let path = (directory as NSString).appendingPathComponent("run.lock")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unusable(path: path, reason: error.localizedDescription)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unusable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw .held(path: path) }
            throw .unusable(path: path, reason: String(cString: strerror(code)))
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
