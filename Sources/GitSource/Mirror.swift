import CLibGit2
import Foundation

/// The bare mirror of one repository in the cache: `<cache>/git/<name>.git`, guarded by `<name>.lock`.
struct Mirror {
    let spec: RepositorySpec
    let configuration: GitSourceConfiguration

    static func directory(for spec: RepositorySpec, in cache: String) -> String {
        "\(cache)/git/\(spec.mirrorName).git"
    }

    private var directory: String { Self.directory(for: spec, in: configuration.cacheDirectory) }
    private var root: String { "\(configuration.cacheDirectory)/git" }

    /// Clones or fetches under the lock; returns the transfer statistics.
    func update(deadline: ContinuousClock.Instant) throws -> FetchStats {
        LibGit2.ensureInitialised()
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw GitSourceError.cacheUnavailable(path: root, reason: "cannot create it (\((error as NSError).localizedDescription))")
        }
        let credentials = configuration.credentials.merged(with: spec.embeddedCredentials)
        if spec.transport == .http, credentials.authorizationHeader != nil, !configuration.allowInsecureHTTP,
            let host = spec.host, !RepositorySpec.isLoopback(host)
        {
            throw GitSourceError.insecureCredentials(url: spec.url, host: host)
        }
        let session = try FetchSession(
            spec: spec,
            credentials: credentials,
            knownHostsPath: configuration.resolvedKnownHostsFile,
            deadline: deadline,
            timeout: configuration.fetchTimeout,
            maxBytes: configuration.maxFetchSize,
            maxObjects: configuration.maxFetchObjects
        )
        try LibGit2.setPackMaxObjects(configuration.maxFetchObjects)
        let lock = try FileLock(path: "\(root)/\(spec.mirrorName).lock", deadline: deadline, timeout: configuration.fetchTimeout)
        return try withExtendedLifetime(lock) {
            try withTrust {
                // A link in the mirror's place is not followed: the fetch force-updated and pruned the refs of
                // whatever repository it pointed to. The clone replaces the link itself.
                var status = stat()
                let isLink = lstat(directory, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
                if !isLink, let existing = try? GitRepository.open(directory) {
                    return try fetch(into: existing, session: session)
                }
                return try clone(session: session)
            }
        }
    }

    /// Runs `body` with libgit2 trusting the right CAs: HTTPS fetches set the process-wide CA locations
    /// and must not overlap while they do.
    private func withTrust<T>(_ body: () throws -> T) throws -> T {
        guard spec.transport == .https else { return try body() }
        TLSTrust.lock.lock()
        defer { TLSTrust.lock.unlock() }
        let bundle = try configuration.caFile.map {
            try TLSTrust.combinedBundle(caFile: $0, directory: root)
        }
        // libgit2 (mbedTLS) reads the bundle when it is set: it is not needed after, nor left to be reused.
        defer { if let bundle { unlink(bundle) } }
        try TLSTrust.apply(bundle: bundle)
        return try body()
    }

    private func clone(session: FetchSession) throws -> FetchStats {
        // A half-made mirror (a crash mid-clone) is never at the final path: build aside, then rename.
        try? FileManager.default.removeItem(atPath: directory)
        let staging = "\(directory).partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: staging)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let repository = try GitRepository.initBare(staging)
        var remote: OpaquePointer?
        try LibGit2.check("git_remote_create_with_fetchspec", git_remote_create_with_fetchspec(&remote, repository.pointer, "origin", spec.url, "+refs/*:refs/*"))
        git_remote_free(remote)
        var stats = try fetch(into: repository, session: session)
        stats.cloned = true
        guard rename(staging, directory) == 0 else {
            throw GitSourceError.cacheUnavailable(path: directory, reason: String(cString: strerror(errno)))
        }
        return stats
    }

    private func fetch(into repository: GitRepository, session: FetchSession) throws -> FetchStats {
        let (stats, defaultBranch) = try session.fetch(into: repository)
        let branches = try repository.referenceNames(matching: "refs/heads/*")
        guard !branches.isEmpty else { throw GitSourceError.emptyRepository(url: spec.url) }
        // HEAD follows the remote's default branch; servers that do not advertise it get main, master or the first.
        let head = [defaultBranch, "refs/heads/main", "refs/heads/master"]
            .compactMap { $0 }
            .first { branches.contains($0) } ?? branches[0]
        try LibGit2.check("git_repository_set_head", git_repository_set_head(repository.pointer, head))
        return stats
    }
}
