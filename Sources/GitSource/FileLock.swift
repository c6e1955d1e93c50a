import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a file, shared by every process using the same cache. The
/// kernel releases it when the holder exits, so a crashed process never leaves a stale lock behind.
final class FileLock {
    let path: String
    private let descriptor: Int32

    /// Waits for the lock until `deadline`, polling so that the wait is bounded.
    init(path: String, deadline: ContinuousClock.Instant, timeout: Double) throws {
        self.path = path
        // Never through a link: one put in its place had the file it points to truncated and written.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw GitSourceError.cacheUnavailable(path: path, reason: String(cString: strerror(errno)))
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw GitSourceError.cacheUnavailable(path: path, reason: reason)
            }
            guard ContinuousClock.now < deadline else {
                close(fd)
                throw GitSourceError.lockTimeout(path: path, seconds: timeout)
            }
            usleep(20_000)
        }
        descriptor = fd
        // Who holds it, for anyone inspecting a lock that seems stuck.
        _ = ftruncate(fd, 0)
        let owner = "\(getpid())\n"
        _ = owner.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
