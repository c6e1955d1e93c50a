import Foundation
import WriftAI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder of the details cache, reached from the cache directory one component at a time without
/// following a symbolic link, and used through its descriptor (`openat`, `renameat`, `unlinkat`).
///
/// The cache directory itself may be a link (a `~/.cache` kept elsewhere is the user's choice); nothing below
/// it is followed. A link put in place of `models/<owner>` would otherwise make writes land outside the cache
/// and prunes delete `*.json` files outside it; here it is a folder that cannot be opened: a miss for reads,
/// skipped by writes and prunes. Working through the descriptor, a component swapped for a link once it was
/// opened changes nothing either.
final class CacheFolder {
    /// The open folder.
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The cache directory at `path` (followed if a link); with `creating`, made if missing.
    static func root(_ path: String, creating: Bool) -> CacheFolder? {
        var descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor < 0 && errno == ENOENT && creating {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        return descriptor < 0 ? nil : CacheFolder(descriptor: descriptor)
    }

    /// The folder `components` below this one, each a real directory (a link, a file or a FIFO in the way is
    /// `nil`); with `creating`, missing ones are made (as `mkdir` makes them: the umask decides). A component
    /// that could climb out (empty, `.`, `..`, holding `/`) is `nil` too.
    func folder(_ components: [String], creating: Bool) -> CacheFolder? {
        var current = self
        for name in components {
            guard Self.isPlainName(name) else { return nil }
            let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            var descriptor = openat(current.descriptor, name, flags)
            if descriptor < 0 && errno == ENOENT && creating {
                // Another process may make it meanwhile: EEXIST is as good.
                _ = mkdirat(current.descriptor, name, 0o777)
                descriptor = openat(current.descriptor, name, flags)
            }
            guard descriptor >= 0 else { return nil }
            current = CacheFolder(descriptor: descriptor)
        }
        return current
    }

    /// The bytes of the regular file `name` of at most `maxBytes` bytes, read without following a link or
    /// waiting on a FIFO; `nil` for anything else.
    func read(_ name: String, maxBytes: Int) -> [UInt8]? {
        guard Self.isPlainName(name) else { return nil }
        return BoundedFileRead.contents(named: name, in: descriptor, maxBytes: maxBytes)
    }

    /// Writes `data` as `name`: to `<name>.tmp-<pid>-<random>` first, then renamed, so that a reader sees the
    /// old file or the new one, never half of one. Failures are ignored (a cache); a writer that dies
    /// between the two leaves the temporary file, which ``VersionDetailsCache/prune(model:keeping:)`` removes
    /// once old.
    func write(_ data: some ContiguousBytes, as name: String) {
        guard Self.isPlainName(name) else { return }
        let temporary = "\(name)\(Self.temporaryMark)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // Plain POSIX calls: `FileManager.createFile` writes aside and renames once more itself, which made
        // storing an apply's created versions a tenth of its CPU.
        let file = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard file >= 0 else { return }
        let complete = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = systemWrite(file, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        close(file)
        if !complete || renameat(descriptor, temporary, descriptor, name) != 0 {
            unlinkat(descriptor, temporary, 0)
        }
    }

    /// What marks a temporary file's name: `<name>.tmp-<pid>-<random>`.
    static let temporaryMark = ".tmp-"

    /// The names in this folder (`.` and `..` left out); empty when it cannot be listed.
    func names() -> [String] {
        // `fdopendir` takes the descriptor it is given: a copy, rewound (the copy shares the offset).
        let copy = dup(descriptor)
        guard copy >= 0 else { return [] }
        guard let directory = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(directory) }
        rewinddir(directory)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// What `name` is, not following a link: its type bits (`S_IFMT`) and modification time in Unix
    /// seconds; `nil` when it is not there.
    func status(_ name: String) -> (type: mode_t, modified: Double)? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = Double(info.st_mtimespec.tv_sec)
        #else
        let modified = Double(info.st_mtim.tv_sec)
        #endif
        return (info.st_mode & S_IFMT, modified)
    }

    /// Removes the entry `name` of this folder (a link is removed, never what it points to; a folder is not
    /// removed).
    func remove(_ name: String) {
        guard Self.isPlainName(name) else { return }
        unlinkat(descriptor, name, 0)
    }

    /// Removes the folder `name` and the files in it; a link in its place, or a folder within it, is left
    /// (nothing is removed through a link).
    func removeFolder(_ name: String) {
        guard let folder = folder([name], creating: false) else { return }
        for entry in folder.names() where folder.status(entry)?.type != S_IFDIR {
            folder.remove(entry)
        }
        unlinkat(descriptor, name, AT_REMOVEDIR)
    }

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.utf8.contains(0)
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
