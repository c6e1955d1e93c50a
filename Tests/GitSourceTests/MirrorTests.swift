import Foundation
import Synchronization
import Testing
@testable import GitSource
import WriftSyncTesting

/// The persistent mirror: incremental fetches, force-pushes, pruning, locking and timeouts.
@Suite(.onOwnThreads) struct MirrorTests {
    /// Links put in the cache in place of the mirror or its lock were followed: the fetch force-updated and pruned
    /// the refs of the repository the mirror's link pointed to, and the lock truncated the file its link named.
    @Test func linksInPlaceOfTheMirrorOrItsLockAreNotFollowed() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let spec = try RepositorySpec(daemon.url)
        let mirror = Mirror.directory(for: spec, in: fixture.cache.path)
        try FileManager.default.createDirectory(atPath: fixture.cache.path + "/git", withIntermediateDirectories: true)

        // Another repository, with a branch the source does not have.
        let outside = try TestRepository()
        try outside.git("branch", "keep")
        try FileManager.default.createSymbolicLink(atPath: mirror, withDestinationPath: outside.path + "/.git")
        let synced = try fixture.sync(daemon.url)
        #expect(synced.stats.cloned, "the link is replaced by a mirror of its own")
        #expect(try outside.git("branch", "--list", "keep") .contains("keep"), "the other repository's refs are untouched")
        var status = stat()
        #expect(lstat(mirror, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)

        let victim = try TemporaryDirectory("victim")
        let file = victim.path + "/file"
        try "keep\n".write(toFile: file, atomically: true, encoding: .utf8)
        let lock = fixture.cache.path + "/git/" + spec.mirrorName + ".lock"
        try? FileManager.default.removeItem(atPath: lock)
        try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: file)
        guard case .cacheUnavailable? = gitError({ try fixture.sync(daemon.url) }) else {
            Issue.record("a link in place of the lock was used")
            return
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep\n", "the file the link names is untouched")
    }

    @Test func incrementalFetchTransfersOnlyTheNewObjectsAndANoOpFetchNone() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let first = try fixture.sync(daemon.url)
        #expect(first.stats.cloned)
        let old = try repository.head()
        #expect(first.stats.receivedObjects == (try repository.git("rev-list", "--objects", "--all").split(separator: "\n").count))

        try repository.write("models/c.yaml", "model: acme/c\n")
        let new = try repository.commit("add c")
        let second = try fixture.sync(daemon.url)
        let newObjects = try repository.objectCount(from: old, to: new)
        #expect(newObjects == 4, "commit, root tree, models tree, one blob")
        #expect(second.stats.receivedObjects == newObjects)
        #expect(second.stats.updatedRefs == 1)
        #expect(try second.repository.resolve("main").commit == new)

        let third = try fixture.sync(daemon.url)
        #expect(third.stats.receivedObjects == 0)
        #expect(third.stats.receivedBytes == 0)
        #expect(third.stats.updatedRefs == 0)
    }

    /// A fetch past `maxFetchSize` is stopped: a later fetch leaves the mirror at its last commit, a first clone
    /// leaves no mirror, and neither leaves a pack behind; a larger cap then fetches.
    @Test func aFetchOverTheSizeCapIsStoppedAndLeavesNothingBehind() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let cap = 256 << 10
        var fixture = try SourceFixture { $0.maxFetchSize = cap }
        let old = try repository.head()
        let first = try fixture.sync(daemon.url)
        var generator = SystemRandomNumberGenerator()
        // Random bytes do not compress: the pack is about as large as the file.
        try repository.write("models/large.bin", data: Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        let new = try repository.commit("a megabyte")

        let spec = try RepositorySpec(daemon.url)
        let packs = Mirror.directory(for: spec, in: fixture.cache.path) + "/objects/pack"
        let packsBefore = try FileManager.default.contentsOfDirectory(atPath: packs).sorted()
        let refused = try #require(gitError { try fixture.sync(daemon.url) })
        #expect(refused == .fetchTooLarge(url: spec.url, limit: cap))
        #expect(refused.description.contains("was stopped after more than \(cap) bytes (--max-fetch-size)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: packs).sorted() == packsBefore, "the partial pack is deleted")
        #expect(try first.repository.resolve("main").commit == old, "the mirror keeps its last commit")

        let fresh = try SourceFixture { $0.maxFetchSize = cap }
        #expect(gitError { try fresh.sync(daemon.url) } == .fetchTooLarge(url: spec.url, limit: cap))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fresh.cache.path + "/git").filter { !$0.hasSuffix(".lock") }.isEmpty, "no mirror, whole or partial")

        fixture.configuration.maxFetchSize = 4 << 20
        #expect(try fixture.sync(daemon.url).repository.resolve("main").commit == new)
    }

    /// A server advertising refs without end: libgit2 keeps every ref in memory and counts only the pack's
    /// bytes, so the fetch went on until its deadline. Everything its sockets receive counts toward the cap.
    @Test func aRefAdvertisementWithoutEndIsCutAtTheByteCap() throws {
        let listener = try SilentListener()
        _ = listener.advertiseForever()
        let url = "git://127.0.0.1:\(listener.port)/repo.git"
        let started = ContinuousClock.now
        let fixture = try SourceFixture(timeout: 30) { $0.maxFetchSize = 1 << 20 }
        #expect(gitError { try fixture.sync(url) } == .fetchTooLarge(url: url, limit: 1 << 20))
        #expect(ContinuousClock.now - started < .seconds(20))
        withExtendedLifetime(listener) {}
    }

    @Test func aForcePushedBranchIsFollowed() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        try repository.write("models/c.yaml", "model: acme/c\n")
        try repository.commit("to be rewritten")
        #expect(try fixture.snapshot(daemon.url).files.count == 3)

        try repository.git("reset", "-q", "--hard", "HEAD~1")
        try repository.write("models/d.yaml", "model: acme/d\n")
        let rewritten = try repository.commit("rewritten history")
        let snapshot = try fixture.snapshot(daemon.url)
        #expect(snapshot.commit == rewritten)
        #expect(snapshot.files.map(\.path) == ["models/a.yaml", "models/b.yaml", "models/d.yaml"])
    }

    @Test func aDeletedFileDisappears() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        #expect(try fixture.snapshot(daemon.url).files.count == 2)
        try repository.remove("models/b.yaml")
        try repository.commit("remove b")
        #expect(try fixture.snapshot(daemon.url).files.map(\.path) == ["models/a.yaml"])
    }

    @Test func tagsBranchesAndCommitIdsResolveAndDeletedRefsArePruned() throws {
        let repository = try TestRepository()
        let first = try repository.head()
        try repository.git("tag", "-a", "v1", "-m", "release 1")
        try repository.git("branch", "feature")
        try repository.write("models/c.yaml", "model: acme/c\n")
        let second = try repository.commit("second")
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let local = try fixture.sync(daemon.url).repository

        #expect(try local.resolve(nil) == ResolvedRef(name: "refs/heads/main", kind: .head, commit: second))
        #expect(try local.resolve("v1") == ResolvedRef(name: "refs/tags/v1", kind: .tag, commit: first))
        #expect(try local.resolve("feature").commit == first)
        #expect(try local.resolve("refs/heads/feature").commit == first)
        #expect(try local.resolve(first.hex) == ResolvedRef(name: first.hex, kind: .commit, commit: first))
        #expect(try local.resolve(String(second.hex.prefix(7))).commit == second)

        try repository.git("branch", "-D", "feature")
        try repository.git("tag", "-d", "v1")
        try repository.git("tag", "v2")
        let updated = try fixture.sync(daemon.url)
        #expect(updated.stats.updatedRefs >= 1)
        #expect(try updated.repository.resolve("v2").commit == second)
        for pruned in ["feature", "v1"] {
            guard case .refNotFound = gitError({ try updated.repository.resolve(pruned) }) else {
                Issue.record("\(pruned) should have been pruned")
                continue
            }
        }
    }

    /// A full commit id pins that commit, as in git: anyone allowed to push some branch could otherwise push
    /// one named like the pinned id (or like a protected tag) and have it applied instead.
    @Test func aBranchNamedLikeAPinnedCommitOrTagDoesNotTakeItOver() throws {
        let repository = try TestRepository()
        let pinned = try repository.head()
        try repository.git("tag", "v1")
        try repository.write("models/c.yaml", "model: acme/c\n")
        let later = try repository.commit("later")
        // (Before the branch named like the id: `git branch`'s start point prefers a ref of that name.)
        try repository.git("branch", String(later.hex.prefix(8)), pinned.hex)
        try repository.git("branch", pinned.hex, later.hex)
        try repository.git("branch", "v1", later.hex)
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let local = try fixture.sync(daemon.url).repository

        #expect(try local.resolve(pinned.hex) == ResolvedRef(name: pinned.hex, kind: .commit, commit: pinned))
        #expect(try local.resolve(pinned.hex.uppercased()).commit == pinned)
        let error = try #require(gitError { try local.resolve("v1") })
        #expect(error == .ambiguousRef(ref: "v1", url: daemon.url))
        #expect(error.description.contains("--ref refs/tags/v1"))
        #expect(try local.resolve("refs/tags/v1").commit == pinned)
        #expect(try local.resolve("refs/heads/v1").commit == later)
        // An abbreviated id still loses to a ref of that name, as in git.
        #expect(try local.resolve(String(later.hex.prefix(8))).commit == pinned)
        // A pinned commit the mirror does not hold (its branch deleted) is not found, whatever branch has its name.
        let gone = String(repeating: "7", count: 40)
        try repository.git("branch", gone, later.hex)
        let refetched = try fixture.sync(daemon.url).repository
        guard case .refNotFound(gone, _, _) = try #require(gitError { try refetched.resolve(gone) }) else {
            Issue.record("a branch named like a missing commit was taken for it")
            return
        }
    }

    @Test func theRemoteDefaultBranchIsHEAD() throws {
        let repository = try TestRepository()
        try repository.git("checkout", "-q", "-b", "trunk")
        try repository.write("models/t.yaml", "model: acme/t\n")
        let trunk = try repository.commit("on trunk")
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let resolved = try fixture.sync(daemon.url).repository.resolve(nil)
        #expect(resolved == ResolvedRef(name: "refs/heads/trunk", kind: .head, commit: trunk))
    }

    @Test func anUnknownRefIsAnErrorNamingIt() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let local = try fixture.sync(daemon.url).repository
        let error = try #require(gitError { try local.resolve("no-such-branch") })
        #expect(error == .refNotFound(ref: "no-such-branch", url: daemon.url, available: ["main"]))
        #expect(error.description.contains("'no-such-branch'"))
        #expect(error.description.contains("Available: main"))
    }

    @Test func aMissingRepositoryIsAnErrorNamingTheFunction() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let error = try #require(gitError { try SourceFixture().sync(daemon.url.replacingOccurrences(of: "repo.git", with: "nope.git")) })
        #expect(error.description.contains("git_remote_fetch"))
    }

    @Test func aSilentServerTimesOut() throws {
        // A socket that accepts connections (the kernel completes the handshake) but never answers.
        let listener = try SilentListener()
        let started = ContinuousClock.now
        let error = gitError { try SourceFixture(timeout: 1).sync("git://127.0.0.1:\(listener.port)/repo.git") }
        #expect(error == .timeout(url: "git://127.0.0.1:\(listener.port)/repo.git", seconds: 1))
        #expect(error?.description.contains("timed out after 1 s") == true)
        #expect(ContinuousClock.now - started < .seconds(20), "bounded, not the 60 s default")
    }

    /// libgit2 1.5 has no network timeouts: the fetch given up at its deadline stayed blocked in `recv`,
    /// holding the mirror's lock, and every later fetch of that repository failed with a lock timeout until a
    /// restart. Its sockets are now shut down at the deadline, so the next fetch gets as far as the server.
    @Test(arguments: ["git", "ssh"])
    func aFetchGivenUpAtItsDeadlineLetsGoOfTheMirror(_ scheme: String) async throws {
        let listener = try SilentListener()
        let url = "\(scheme)://127.0.0.1:\(listener.port)/repo.git"
        let connections = listener.acceptForever()
        let knownHosts = try TemporaryDirectory("known-hosts")
        try "".write(toFile: knownHosts.path + "/known_hosts", atomically: true, encoding: .utf8)
        // SSH too: libssh2 reads the socket libgit2 takes out of the stream.
        let fixture = try SourceFixture(timeout: 1) { $0.knownHostsFile = knownHosts.path + "/known_hosts" }
        #expect(gitError { try fixture.sync(url) } == .timeout(url: url, seconds: 1))
        // The abandoned fetch's connection is closed from its side: its thread failed and let go of its locks.
        // Every connection, not a count of them: on a loaded machine the fetch's thread may not have connected
        // by its deadline, and then it never does (the abort is seen by its connect).
        #expect(connections.waitUntilAllClosed(seconds: 30), "the given-up fetch still holds its connection open")
        do {
            _ = try await fixture.source.sync(RepositorySpec(url))
            Issue.record("synced from a silent server")
        } catch let error as GitSourceError {
            #expect(error == .timeout(url: url, seconds: 1))
        }
        #expect(connections.waitUntilAllClosed(seconds: 30), "the same through the async entry point")
    }

    /// The deadline passing between a socket's registration and its connect: the abort's shutdown then finds a
    /// socket not connecting yet, and a blocking connect to a server dropping SYNs went on for the kernel's two
    /// minutes (the caller given up on at its deadline, the thread and the mirror's lock held). The connect now
    /// sees the abort and fails at once.
    @Test func anAbortJustBeforeTheConnectIsNotMissed() throws {
        let listener = try SilentListener.droppingSYNs()
        let url = "git://127.0.0.1:\(listener.port)/repo.git"
        // The fetch's thread is a deadline worker, which forgets its abort when its work returns.
        SocketStream.beforeConnect.withLock { $0[String(listener.port)] = { SocketStream.abort(pthread_self()) } }
        defer { SocketStream.beforeConnect.withLock { $0[String(listener.port)] = nil } }
        let started = ContinuousClock.now
        let error = try #require(gitError { try SourceFixture(timeout: 20).sync(url) }, "the fetch went ahead")
        #expect(error.description.contains("the fetch was given up at its deadline"), "\(error)")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func concurrentSyncsOfOneCacheWaitForEachOtherAndLeaveAValidMirror() async throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let expected = try repository.head()
        let source = fixture.source
        let url = daemon.url
        let commits = try await withThrowingTaskGroup(of: CommitID.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let synced = try source.sync(RepositorySpec(url))
                    return try synced.repository.resolve("main").commit
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(commits == Array(repeating: expected, count: 4))
        let entries = try FileManager.default.contentsOfDirectory(atPath: fixture.cache.path + "/git")
        #expect(entries.filter { $0.hasSuffix(".git") }.count == 1)
        #expect(!entries.contains { $0.contains(".partial-") })
    }

    @Test func aHalfMadeMirrorIsReplaced() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        let fixture = try SourceFixture()
        let spec = try RepositorySpec(daemon.url)
        let directory = Mirror.directory(for: spec, in: fixture.cache.path)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "garbage".write(toFile: directory + "/HEAD", atomically: true, encoding: .utf8)
        #expect(try fixture.snapshot(daemon.url).commit == (try repository.head()))
    }

    @Test func theLockIsExclusiveAcrossOpenFiles() throws {
        let directory = try TemporaryDirectory("lock")
        let path = directory.path + "/x.lock"
        do {
            let held = try FileLock(path: path, deadline: .now + .seconds(1), timeout: 1)
            let error = gitError { try FileLock(path: path, deadline: .now + .milliseconds(200), timeout: 0.2) }
            #expect(error == .lockTimeout(path: path, seconds: 0.2))
            withExtendedLifetime(held) {}
        }
        // Released with the holder.
        _ = try FileLock(path: path, deadline: .now + .seconds(1), timeout: 1)
    }
}

/// A TCP listener that never accepts: connections complete in the backlog and then hang.
final class SilentListener {
    let descriptor: Int32
    let port: Int
    /// Connections made to fill the accept queue (``droppingSYNs()``), kept open.
    private var fillers: [Int32] = []

    /// A listener that never accepts, its queue full: the kernel drops every further SYN, and a connect to it
    /// waits until the kernel gives up (about two minutes), as with a server dropping packets.
    static func droppingSYNs() throws -> SilentListener {
        let listener = try SilentListener(backlog: 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL) | O_NONBLOCK)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            listener.fillers.append(filler)
        }
        usleep(200_000)
        return listener
    }

    init(backlog: Int32 = 8) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, backlog) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard result == 0 else { throw Shell.Failure(command: ["listen"], status: errno, output: "") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        fillers.forEach { close($0) }
    }

    /// Counts the connections accepted and the ones their client has closed.
    final class Connections: Sendable {
        private let closed = Mutex(0)
        private let acceptedCount = Mutex(0)

        fileprivate func noteClosed() { closed.withLock { $0 += 1 } }
        fileprivate func noteAccepted() { acceptedCount.withLock { $0 += 1 } }

        /// Connections accepted so far.
        var accepted: Int { acceptedCount.withLock { $0 } }

        /// Whether every connection accepted so far was closed by its client within `seconds`.
        func waitUntilAllClosed(seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if closed.withLock({ $0 }) >= accepted { return true }
                usleep(10_000)
            }
            return false
        }
    }

    /// Accepts every connection, noting it, and hands each to `handle` on a thread of its own.
    private func acceptEach(_ handle: @escaping @Sendable (Int32, Connections) -> Void) -> Connections {
        let connections = Connections()
        let listening = descriptor
        Thread.detachNewThread {
            while true {
                let connection = accept(listening, nil, nil)
                guard connection >= 0 else { return }
                connections.noteAccepted()
                Thread.detachNewThread { handle(connection, connections) }
            }
        }
        return connections
    }

    /// Answers every git:// request with a ref advertisement that never ends, as fast as it is read.
    func advertiseForever() -> Connections {
        acceptEach { connection, connections in
            var request = [UInt8](repeating: 0, count: 4096)
            _ = recv(connection, &request, request.count, 0)
            let oid = String(repeating: "a", count: 40)
            func packet(_ text: String) -> [UInt8] { Array((String(format: "%04x", text.utf8.count + 4) + text).utf8) }
            let head = packet("\(oid) HEAD\0multi_ack side-band-64k ofs-delta\n")
            var sent = send(connection, head, head.count, Int32(MSG_NOSIGNAL))
            var index = 0
            while sent > 0 {
                var batch: [UInt8] = []
                for _ in 0..<1000 {
                    batch += packet("\(oid) refs/heads/branch-\(index)\n")
                    index += 1
                }
                sent = send(connection, batch, batch.count, Int32(MSG_NOSIGNAL))
            }
            close(connection)
            connections.noteClosed()
        }
    }

    /// Accepts every connection and never answers; notes each one its client closes.
    func acceptForever() -> Connections {
        acceptEach { connection, connections in
            var byte = [UInt8](repeating: 0, count: 4096)
            while recv(connection, &byte, byte.count, 0) > 0 {}
            close(connection)
            connections.noteClosed()
        }
    }

    /// Answers every request with `response` (after reading its head), then closes the connection.
    func answerEvery(with response: String) -> Connections {
        acceptEach { connection, _ in
            var head: [UInt8] = []
            var byte = [UInt8](repeating: 0, count: 1)
            while recv(connection, &byte, 1, 0) == 1 {
                head.append(byte[0])
                if head.suffix(4) == Array("\r\n\r\n".utf8) { break }
            }
            _ = Array(response.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            shutdown(connection, Int32(SHUT_RDWR))
            close(connection)
        }
    }
}
