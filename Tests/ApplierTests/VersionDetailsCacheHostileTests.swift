import Foundation
import Synchronization
import Testing
import WriftAIModels
import WriftSyncTesting
@testable import LiveState
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What another program (or a careless user) can leave under the cache directory: the cache reads only
/// regular files of a bounded size, and follows no link below the cache directory, to read, write or prune.
@Suite("Version details cache: what is found on disk")
struct VersionDetailsCacheHostileTests {
    static let model = "alice/demo"
    static let createdAt = "2026-01-01T00:00:00.000Z"
    static let details = ModelVersionDetails(
        number: 1, releaseNotes: "r", createdAt: createdAt,
        containerImageDigest: "sha256:" + String(repeating: "a", count: 64),
        schemas: Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"])),
        compatibilities: Compatibilities(), size: nil
    )
    static var entry: [UInt8] { Array(try! JSONEncoder().encode(details)) }

    /// What is put at an entry's path, in place of the entry.
    struct Planted: Sendable, CustomTestStringConvertible {
        var testDescription: String
        /// Puts it at `path`; `outside` is a directory outside the cache, for a link's target.
        var plant: @Sendable (_ path: String, _ outside: String) throws -> Void
    }

    @Test("an entry that is not a regular file of a bounded size is a miss, never opened in a way that blocks or follows", .timeLimit(.minutes(1)), arguments: [
        Planted(testDescription: "a FIFO (opened without O_NONBLOCK, it waits for a writer forever)") { path, _ in
            #expect(mkfifo(path, 0o644) == 0)
        },
        Planted(testDescription: "a link to a valid entry outside the cache") { path, outside in
            try Data(entry).write(to: URL(fileURLWithPath: outside + "/entry.json"))
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside + "/entry.json")
        },
        Planted(testDescription: "a link to /dev/zero (read whole, it never ends)") { path, _ in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        },
        Planted(testDescription: "a valid entry padded past the size bound") { path, _ in
            var padded = Data(entry)
            padded.append(Data(repeating: 0x20, count: VersionDetailsCache.maxEntryBytes + 1 - padded.count))
            try padded.write(to: URL(fileURLWithPath: path))
        },
        Planted(testDescription: "a directory") { path, _ in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        },
    ])
    func entriesThatAreNotFiles(_ planted: Planted) async throws {
        let directory = try TemporaryDirectory("details-cache-planted")
        let outside = try TemporaryDirectory("details-cache-outside")
        let cache = VersionDetailsCache(cacheDirectory: directory.path, baseURL: "http://127.0.0.1:8080/v1")
        let path = cache.path(model: Self.model, number: 1, createdAt: Self.createdAt)
        try FileManager.default.createDirectory(atPath: cache.folder(model: Self.model), withIntermediateDirectories: true)
        try planted.plant(path, outside.path)
        // A reader blocked opening a FIFO is handed a valid entry through it (the test then fails, rather than
        // hanging): one not blocked never opens it, and gets nothing.
        let done = Flag()
        let feeder = Thread { Self.feedFIFO(at: path, with: Self.entry, until: done) }
        feeder.start()
        defer { done.raise() }
        let read = try await onOwnThread { cache.details(model: Self.model, number: 1, createdAt: Self.createdAt) }
        #expect(read == nil)
    }

    /// Writes `bytes` into the FIFO at `path` once someone opens it to read, unless `done` comes first; does
    /// nothing when `path` is not a FIFO.
    private static func feedFIFO(at path: String, with bytes: [UInt8], until done: Flag) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO else { return }
        while !done.isRaised {
            // Without a reader, a non-blocking open for writing fails (ENXIO): nobody is waiting yet.
            let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 {
                _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                return
            }
            usleep(1000)
        }
    }

    /// Raised once, seen from another thread.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func raise() { value.store(true, ordering: .sequentiallyConsistent) }
        var isRaised: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    /// A folder of the cache's path below the cache directory replaced by a link.
    struct LinkedFolder: Sendable, CustomTestStringConvertible {
        /// How many of `api`, `<host>`, `models`, `<owner>`, `<name>` are real folders before the link.
        var depth: Int
        var testDescription: String {
            "a link in place of " + ["api", "api/<host>", "models", "models/<owner>", "models/<owner>/<name>"][depth]
        }
    }

    @Test("a link in place of a folder below the cache directory is not followed: no read, no write, no prune through it",
          arguments: (0..<5).map(LinkedFolder.init))
    func linkedFolders(_ linked: LinkedFolder) throws {
        let directory = try TemporaryDirectory("details-cache-linked")
        let outside = try TemporaryDirectory("details-cache-outside")
        let cache = VersionDetailsCache(cacheDirectory: directory.path, baseURL: "http://127.0.0.1:8080/v1")
        let components = ["api", "127.0.0.1-8080", "models", "alice", "demo"]
        #expect(cache.folder(model: Self.model) == directory.path + "/" + components.joined(separator: "/"))
        // The cache's folders up to the link, and the rest of the path under the link's target, outside: an
        // entry of the version that is read, one of a version gone (a prune's to remove) and an old
        // temporary file — all things a read, a write or a prune would touch if they followed the link.
        let before = directory.path + "/" + components.prefix(linked.depth).joined(separator: "/")
        try FileManager.default.createDirectory(atPath: before, withIntermediateDirectories: true)
        let target = outside.path + "/target"
        let resolved = ([target] + components.dropFirst(linked.depth + 1)).joined(separator: "/")
        try FileManager.default.createDirectory(atPath: resolved, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: before + "/" + components[linked.depth], withDestinationPath: target)
        let entryName = URL(fileURLWithPath: cache.path(model: Self.model, number: 1, createdAt: Self.createdAt)).lastPathComponent
        try Data(Self.entry).write(to: URL(fileURLWithPath: resolved + "/" + entryName))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: resolved + "/9-gone.json"))
        let temporary = resolved + "/2-x.json.tmp-1-1"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: temporary)
        let listing = try FileManager.default.contentsOfDirectory(atPath: resolved).sorted()

        #expect(cache.details(model: Self.model, number: 1, createdAt: Self.createdAt) == nil, "read through the link")
        var other = Self.details
        other.number = 2
        cache.store(other, model: Self.model)
        cache.store(other, answer: Self.entry, model: Self.model)
        cache.storeVerified(["1-x": "f"], model: Self.model)
        cache.prune(model: Self.model, keeping: [(1, Self.createdAt)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: resolved).sorted() == listing, "written or pruned through the link")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: before + "/" + components[linked.depth]) == target, "the link stays")
    }

    @Test("the cache directory itself may be a link: the user's choice")
    func theCacheDirectoryMayBeALink() throws {
        let outside = try TemporaryDirectory("details-cache-outside")
        let directory = try TemporaryDirectory("details-cache-root")
        let root = directory.path + "/cache"
        try FileManager.default.createSymbolicLink(atPath: root, withDestinationPath: outside.path)
        let cache = VersionDetailsCache(cacheDirectory: root, baseURL: "http://127.0.0.1:8080/v1")
        cache.store(Self.details, model: Self.model)
        #expect(cache.details(model: Self.model, number: 1, createdAt: Self.createdAt) == Self.details)
        #expect(FileManager.default.fileExists(atPath: outside.path + "/api/127.0.0.1-8080/models/alice/demo"))
    }
}
