#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a small file that something else may have put in place: a state or cache file in a directory
/// other programs (or a careless user) can write.
///
/// `FileManager.contents(atPath:)` follows a symbolic link, blocks forever opening a FIFO, and reads whatever
/// is there whole (`/dev/zero`, a sparse file of terabytes). These reads open without following a link and
/// without blocking, and take only a regular file no larger than the caller's bound, reading at most that;
/// anything else is `nil`, for the caller to treat as missing.
public enum BoundedFileRead {
    /// The flags every read opens with: no link followed (`ELOOP`), no wait for a FIFO's writer, no
    /// descriptor leaked into a child process.
    public static let openFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC

    /// The bytes of the regular file at `path`, if it is one of at most `maxBytes` bytes; `nil` for anything
    /// else (missing, a link, a directory, a FIFO or device, larger, unreadable).
    public static func contents(atPath path: String, maxBytes: Int) -> [UInt8]? {
        let descriptor = open(path, openFlags)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return contents(of: descriptor, maxBytes: maxBytes)
    }

    /// The bytes of the regular file `name` in the directory open as `directory` (no link followed in
    /// `name` either), as ``contents(atPath:maxBytes:)``.
    public static func contents(named name: String, in directory: Int32, maxBytes: Int) -> [UInt8]? {
        let descriptor = openat(directory, name, openFlags)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return contents(of: descriptor, maxBytes: maxBytes)
    }

    /// The bytes of the file open as `descriptor`, from its start, if `fstat` says it is a regular file of
    /// at most `maxBytes` bytes; `nil` otherwise, or when it held fewer bytes than `fstat` said (it shrank
    /// meanwhile: a torn write). A file that grew meanwhile is read to its former size.
    public static func contents(of descriptor: Int32, maxBytes: Int) -> [UInt8]? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= 0, info.st_size <= maxBytes else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: Int(info.st_size))
        var length = 0
        while length < buffer.count {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + length, $0.count - length, off_t(length)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            length += count
        }
        return length == buffer.count ? buffer : nil
    }
}
