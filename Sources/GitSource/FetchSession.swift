import CLibGit2
import Foundation

/// One fetch into a mirror: the libgit2 callbacks and the state they share. Callbacks run on the
/// fetching thread; they record the precise failure so it can replace libgit2's generic message.
final class FetchSession {
    /// Credential callbacks allowed before giving up; libgit2 asks again after every refusal.
    static let maximumCredentialAttempts = 3

    let spec: RepositorySpec
    let credentials: GitCredentials
    let knownHosts: KnownHosts?
    let knownHostsPath: String
    let deadline: ContinuousClock.Instant
    let timeout: Double
    /// The most bytes the fetch may receive.
    let maxBytes: Int
    /// The most objects its pack may hold (libgit2's process-wide limit, set by ``Mirror``).
    let maxObjects: Int

    private(set) var failure: GitSourceError?
    private(set) var updatedRefs = 0
    private var credentialAttempts = 0
    private var offeredSSHKey = false

    init(spec: RepositorySpec, credentials: GitCredentials, knownHostsPath: String, deadline: ContinuousClock.Instant, timeout: Double, maxBytes: Int, maxObjects: Int) throws {
        self.spec = spec
        self.maxBytes = maxBytes
        self.maxObjects = maxObjects
        self.credentials = credentials
        self.knownHostsPath = knownHostsPath
        self.deadline = deadline
        self.timeout = timeout
        // Host keys are always verified: refuse before connecting if there is nothing to verify against.
        self.knownHosts = spec.transport == .ssh ? try KnownHosts(path: knownHostsPath) : nil
    }

    /// Fetches every ref of the remote into `repository` (mirror refspec, tags, pruning).
    func fetch(into repository: GitRepository) throws -> (stats: FetchStats, defaultBranch: String?) {
        var remote: OpaquePointer?
        try check("git_remote_lookup", git_remote_lookup(&remote, repository.pointer, "origin"))
        defer { git_remote_free(remote) }

        let headers = CStringArray([credentials.authorizationHeader].compactMap { $0 }.filter { _ in spec.transport == .http || spec.transport == .https })
        var options = git_fetch_options()
        try check("git_fetch_options_init", git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        options.update_fetchhead = 0
        options.custom_headers = headers.strarray
        // The Authorization header goes with every request: never let a redirect carry it to another host.
        options.follow_redirects = credentials.authorizationHeader == nil ? GIT_REMOTE_REDIRECT_INITIAL : GIT_REMOTE_REDIRECT_NONE
        installCallbacks(&options.callbacks)

        let fetch = {
            withExtendedLifetime(headers) {
                withExtendedLifetime(self) {
                    let (code, exceeded) = SocketStream.receivingAtMost(self.maxBytes) {
                        git_remote_fetch(remote, nil, &options, "wriftsync: fetch")
                    }
                    if exceeded { self.noteTooLarge() }
                    return code
                }
            }
        }
        let code: Int32
        if credentials.authorizationHeader != nil, spec.transport == .http || spec.transport == .https, let host = spec.host {
            code = SocketStream.connectingOnly(to: .init(host: host, port: String(spec.port ?? (spec.transport == .https ? 443 : 80))), fetch)
        } else {
            code = fetch()
        }
        if code < 0 {
            throw classify(LibGit2.lastError(function: "git_remote_fetch", code: code, redacting: credentials.secretValues))
        }

        let progress = git_remote_stats(remote).pointee
        var stats = FetchStats()
        stats.receivedObjects = Int(progress.received_objects)
        stats.totalObjects = Int(progress.total_objects)
        stats.receivedBytes = progress.received_bytes
        stats.updatedRefs = updatedRefs

        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        var defaultBranch: String?
        if git_remote_default_branch(&buffer, remote) == 0, let text = buffer.ptr {
            defaultBranch = String(cString: text)
        } else {
            git_error_clear()
        }
        return (stats, defaultBranch)
    }

    private func check(_ function: StaticString, _ code: Int32) throws {
        do {
            try LibGit2.check(function, code, redacting: credentials.secretValues)
        } catch let error as GitSourceError {
            throw classify(error)
        }
    }

    /// Prefers what a callback observed, then recognises libgit2's authentication and TLS failures.
    private func classify(_ error: GitSourceError) -> GitSourceError {
        if let failure { return failure }
        guard case let .libgit2(_, code, message) = error else { return error }
        // libgit2's indexer, on the count in the pack's header (GIT_OPT_SET_PACK_MAX_OBJECTS).
        if message == "too many objects" {
            return .fetchTooManyObjects(url: spec.url, limit: maxObjects)
        }
        let lowered = message.lowercased()
        if code == GIT_EAUTH.rawValue || lowered.contains("401") || lowered.contains("authentication") {
            return .authenticationFailed(url: spec.url, detail: message)
        }
        if code == GIT_ECERTIFICATE.rawValue || lowered.contains("certificate") {
            return .certificateRejected(url: spec.url, message: message)
        }
        if ContinuousClock.now >= deadline {
            return .timeout(url: spec.url, seconds: timeout)
        }
        return error
    }

    private func installCallbacks(_ callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
            let session = Unmanaged<FetchSession>.fromOpaque(payload!).takeUnretainedValue()
            return session.credential(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowedTypes)
        }
        callbacks.certificate_check = { certificate, valid, host, payload in
            let session = Unmanaged<FetchSession>.fromOpaque(payload!).takeUnretainedValue()
            return session.checkCertificate(certificate!, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.transfer_progress = { progress, payload in
            let session = Unmanaged<FetchSession>.fromOpaque(payload!).takeUnretainedValue()
            return session.continueOrAbort(received: progress.map { Int($0.pointee.received_bytes) } ?? 0)
        }
        callbacks.sideband_progress = { _, _, payload in
            Unmanaged<FetchSession>.fromOpaque(payload!).takeUnretainedValue().continueOrAbort()
        }
        callbacks.update_tips = { _, _, _, payload in
            let session = Unmanaged<FetchSession>.fromOpaque(payload!).takeUnretainedValue()
            session.updatedRefs += 1
            return 0
        }
    }

    private func noteTooLarge() {
        failure = failure ?? .fetchTooLarge(url: spec.url, limit: maxBytes)
    }

    /// libgit2 reports progress after each read from the network; the pack it writes is deleted on an abort.
    private func continueOrAbort(received: Int = 0) -> Int32 {
        guard ContinuousClock.now < deadline else {
            failure = .timeout(url: spec.url, seconds: timeout)
            return -1
        }
        guard received <= maxBytes else {
            noteTooLarge()
            return -1
        }
        return 0
    }

    private func credential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, usernameFromURL: String?, allowed: UInt32) -> Int32 {
        credentialAttempts += 1
        guard credentialAttempts <= Self.maximumCredentialAttempts else {
            failure = failure ?? .authenticationFailed(url: spec.url, detail: "the server refused every credential offered (\(Self.maximumCredentialAttempts) attempts)")
            return GIT_EAUTH.rawValue
        }
        let user = usernameFromURL ?? credentials.username ?? "git"
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            guard let key = credentials.sshKey else {
                failure = .authenticationFailed(url: spec.url, detail: "the server asks for an SSH key and none was configured")
                return GIT_EAUTH.rawValue
            }
            guard !offeredSSHKey else {
                failure = .authenticationFailed(url: spec.url, detail: "the server rejected the SSH key \(key.privateKeyPath) for user '\(user)'")
                return GIT_EAUTH.rawValue
            }
            offeredSSHKey = true
            return git_credential_ssh_key_new(out, user, key.publicKeyPath, key.privateKeyPath, key.passphrase?.value)
        }
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, user)
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            // Credentials travel up front as a header; being asked means the server refused them (or got none).
            failure = .authenticationFailed(
                url: spec.url,
                detail: credentials.authorizationHeader == nil
                    ? "the server requires credentials and none were configured"
                    : "the server rejected the configured credentials"
            )
            return GIT_EAUTH.rawValue
        }
        failure = .authenticationFailed(url: spec.url, detail: "the server asks for an unsupported kind of credential")
        return GIT_EAUTH.rawValue
    }

    private func checkCertificate(_ certificate: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        guard certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
            // X.509: libgit2 already verified the chain against the configured CAs; keep its verdict.
            return GIT_PASSTHROUGH.rawValue
        }
        let hostKey = UnsafeMutableRawPointer(certificate).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        let type = hostKey.type.rawValue
        guard type & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey else {
            failure = .unknownHostKey(host: host, fingerprint: "an unreadable key", knownHosts: knownHostsPath)
            return GIT_ECERTIFICATE.rawValue
        }
        let key = Data(bytes: raw, count: hostKey.hostkey_len)
        let fingerprint = withUnsafeBytes(of: hostKey.hash_sha256) { digest in
            Hashing.sshFingerprint(sha256: type & GIT_CERT_SSH_SHA256.rawValue != 0 ? Array(digest) : Hashing.sha256(key))
        }
        let name = KnownHosts.hostPattern(host: host, port: spec.port)
        switch knownHosts?.verdict(host: host, port: spec.port, key: key) ?? .unknown {
        case .trusted:
            return 0
        case .unknown:
            failure = .unknownHostKey(host: name, fingerprint: fingerprint, knownHosts: knownHostsPath)
        case .mismatch, .revoked:
            failure = .hostKeyMismatch(host: name, fingerprint: fingerprint, knownHosts: knownHostsPath)
        }
        return GIT_ECERTIFICATE.rawValue
    }
}
