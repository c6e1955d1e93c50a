import SystemCrypto
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small file through which the pacers of every process using one token against one API host share a
/// ``PacingLedger``: `<directory>/api/<host>[-<port>]/ratelimit-<hash>.json`, where the hash is a prefix of
/// the SHA-256 of the token (the token itself is never written).
///
/// Every read-modify-write happens under an exclusive `flock` on the file, held for microseconds and never
/// across a suspension point. The kernel releases the lock when its holder dies, so a crashed process never
/// blocks the others. Anything unreadable — a torn write, a foreign or implausible file — reads as an empty
/// ledger (the reader then knows nothing and probes) and is replaced at the next write. A file removed or
/// replaced while a process runs is followed at its next lock (``tryLock()``), so processes never keep two
/// ledgers.
final class SharedPacingFile: Sendable {
    /// Why the file could not be opened; the client then paces alone.
    struct Unavailable: Error, CustomStringConvertible {
        let path: String
        let reason: String

        var description: String { "cannot use the shared rate-limit state \(path): \(reason)" }
    }

    /// The file's format tag; a file without it is not ours.
    static let format = "wriftsync-pacing/1"
    /// Larger files are not ours either (a ledger of a few processes is a few hundred bytes).
    static let maxBytes = 64 * 1024

    /// The file's path.
    let path: String
    /// The folder the file is reached from (followed if a link: a cache directory kept elsewhere is the user's
    /// choice), and the names below it down to the file, none of them followed if a link.
    private let root: String
    private let components: [String]
    /// The open file; replaced when the path comes to name another file (see ``tryLock()``).
    private let descriptor: Mutex<Int32>
    /// The bytes last read or written and the ledger they hold: most of the time the file still holds what
    /// this process wrote, and decoding it again was most of the cost of pacing a fast apply.
    private let lastSeen = Mutex<(bytes: [UInt8], ledger: PacingLedger)?>(nil)
    private let taken = Atomic<Int>(0)

    /// Opens (creating if needed) the shared state file of `token` at `baseURL` under `directory`.
    convenience init(directory: String, baseURL: String, token: AccessToken?) throws(Unavailable) {
        try self.init(root: directory, components: Self.components(baseURL: baseURL, token: token))
    }

    /// Opens (creating if needed) the file at `path`, and its folder with owner-only permissions.
    convenience init(path: String) throws(Unavailable) {
        try self.init(root: (path as NSString).deletingLastPathComponent, components: [(path as NSString).lastPathComponent])
    }

    private init(root: String, components: [String]) throws(Unavailable) {
        self.root = root
        self.components = components
        path = ([root] + components).joined(separator: "/")
        descriptor = Mutex(try Self.openFile(root: root, components: components))
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    /// A descriptor for the file `components` below `root`, created (and its folders, owner-only) if missing.
    ///
    /// Below `root` no symbolic link is followed, the folders' included: the file is written to, and a link
    /// put in place of `api` or the host's folder would otherwise have it created and written wherever the
    /// link points. The folders are opened one at a time, each through the one above it.
    private static func openFile(root: String, components: [String]) throws(Unavailable) -> Int32 {
        let path = ([root] + components).joined(separator: "/")
        var folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder < 0 && errno == ENOENT {
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Unavailable(path: path, reason: "cannot create \(root): \(error.localizedDescription)")
            }
            folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard folder >= 0 else { throw Unavailable(path: path, reason: "cannot open \(root): \(String(cString: strerror(errno)))") }
        for name in components.dropLast() {
            let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            var next = openat(folder, name, flags)
            if next < 0 && errno == ENOENT {
                // Another process may make it meanwhile: EEXIST is as good.
                _ = mkdirat(folder, name, 0o700)
                next = openat(folder, name, flags)
            }
            let failure = errno
            close(folder)
            guard next >= 0 else {
                let reason = failure == ELOOP || failure == ENOTDIR
                    ? "\(name) is not a folder (a symbolic link is not followed)" : String(cString: strerror(failure))
                throw Unavailable(path: path, reason: reason)
            }
            folder = next
        }
        defer { close(folder) }
        let descriptor = openat(folder, components.last ?? "", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Unavailable(path: path, reason: String(cString: strerror(errno)))
        }
        return descriptor
    }

    /// The shared file `configuration` asks for, or `nil`: none asked for, or it cannot be used (said at
    /// `notice`; the client then paces alone, as it would without a shared directory).
    static func make(for configuration: WriftAIClient.Configuration, baseURL: String, logger: Logger) -> SharedPacingFile? {
        guard let directory = configuration.pacing.sharedStateDirectory else { return nil }
        do {
            return try SharedPacingFile(directory: directory, baseURL: baseURL, token: configuration.token)
        } catch {
            logger.notice("pacing this process alone", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// `<directory>/api/<host>[-<port>]/ratelimit-<16 hex digits of SHA-256("wriftsync-pacing\0" + token)>.json`
    /// (`ratelimit-anonymous.json` without a token). The host folder is the one the version details cache uses.
    static func path(directory: String, baseURL: String, token: AccessToken?) -> String {
        ([directory] + components(baseURL: baseURL, token: token)).joined(separator: "/")
    }

    /// The names below the shared directory down to the file (see ``path(directory:baseURL:token:)``).
    private static func components(baseURL: String, token: AccessToken?) -> [String] {
        let host = URLComponents(string: baseURL).map { url in
            [url.host, url.port.map(String.init)].compactMap { $0 }.joined(separator: "-")
        } ?? "api"
        let safeHost = String(host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        let name: String
        if let token {
            let digest = HashFunction.sha256.hash(Data("wriftsync-pacing\u{0}\(token.value)".utf8))
            name = "ratelimit-" + Hex.lowercase(digest.prefix(8)) + ".json"
        } else {
            name = "ratelimit-anonymous.json"
        }
        return ["api", safeHost.isEmpty || safeHost.allSatisfy({ $0 == "." }) ? "api" : safeHost, name]
    }

    /// Takes the exclusive lock if it is free; never blocks.
    ///
    /// The lock is taken on the file the path names now: a cache directory cleared, or the file replaced,
    /// while this process runs would otherwise leave it locking and writing a file no other process opens
    /// any more — two ledgers, and up to twice the rate. Once locked, the descriptor's file is compared with
    /// the path's (device and inode); when they differ, or the path is gone, the path is opened again
    /// (created as ``init(path:)`` creates it, no link followed) and the lock taken there. A path that
    /// cannot be opened again (a link put in its place, a folder that cannot be made) leaves the process on
    /// the file it has.
    func tryLock() -> Bool {
        descriptor.withLock { descriptor in
            guard Self.tryLock(descriptor) else {
                taken.add(1, ordering: .relaxed)
                return false
            }
            // Bounded: a path replaced again while it is followed is followed at the next lock.
            for _ in 0..<3 {
                guard !Self.isAtPath(descriptor, path), let reopened = try? Self.openFile(root: root, components: components) else {
                    return true
                }
                _ = flock(descriptor, LOCK_UN)
                close(descriptor)
                descriptor = reopened
                guard Self.tryLock(descriptor) else {
                    taken.add(1, ordering: .relaxed)
                    return false
                }
            }
            return true
        }
    }

    private static func tryLock(_ descriptor: Int32) -> Bool {
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Whether `path` names the file open as `descriptor` (not a link to it: the link is not followed).
    private static func isAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0, lstat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// How many times ``tryLock()`` found the lock taken: how often a waiter looked (the tests count them).
    var timesFoundTaken: Int { taken.load(ordering: .relaxed) }

    /// Releases the lock.
    func unlock() {
        descriptor.withLock { _ = flock($0, LOCK_UN) }
    }

    /// The stored ledger; `nil` when the file is empty, torn, foreign or implausible. Call it holding the lock.
    func read(now: Double) -> PacingLedger? {
        guard let buffer = BoundedFileRead.contents(of: descriptor.withLock { $0 }, maxBytes: Self.maxBytes), !buffer.isEmpty else {
            return nil
        }
        if let seen = lastSeen.withLock({ $0?.bytes == buffer ? $0?.ledger : nil }) {
            return seen.isPlausible(now: now) ? seen : nil
        }
        guard let contents = try? JSONDecoder().decode(Contents.self, from: Data(buffer)),
            contents.format == Self.format, contents.ledger.isPlausible(now: now)
        else { return nil }
        lastSeen.withLock { $0 = (buffer, contents.ledger) }
        return contents.ledger
    }

    /// Replaces the file's contents with `ledger`. Call it holding the lock. A failed write is left for the
    /// next one to repair: readers ignore a torn file.
    func write(_ ledger: PacingLedger) {
        guard var data = Self.encode(ledger) else { return }
        let descriptor = self.descriptor.withLock { $0 }
        // A ledger shorter than the file is padded with spaces (JSON ends in whitespace) rather than the file
        // truncated: an ftruncate, even to the same size, writes the inode through the file system's journal,
        // and that was the largest cost of sending a request. The file shrinks only when far too long.
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : Int.max
        let truncates = size > data.count + 4096
        if !truncates && size > data.count {
            data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: size - data.count))
        }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = pwrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset, off_t(offset))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        if written {
            if truncates { _ = ftruncate(descriptor, off_t(data.count)) }
            lastSeen.withLock { $0 = (data, ledger) }
        }
    }

    /// Whether the process named by a holder key (`pid:instance`) has exited. Ours never has.
    static func holderIsGone(_ key: String) -> Bool {
        guard let pid = key.split(separator: ":").first.flatMap({ pid_t($0) }), pid > 0 else { return true }
        if pid == getpid() { return false }
        // EPERM: the process exists but belongs to someone else.
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private struct Contents: Codable {
        var format: String
        var ledger: PacingLedger
    }
}
