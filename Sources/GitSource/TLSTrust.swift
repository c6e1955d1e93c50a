import CLibGit2
import Foundation

/// The CA certificates libgit2 trusts for HTTPS. libgit2's option replaces the trusted set and is
/// process-wide, so a custom CA is appended to the system bundle in a file of our own, and every HTTPS
/// fetch sets the locations it needs while holding `lock` (the mbedTLS CA chain is shared state).
enum TLSTrust {
    static let lock = NSLock()

    /// Where Linux distributions keep the system bundle; `SSL_CERT_FILE` wins, as in OpenSSL.
    static func systemBundlePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let candidates = [environment["SSL_CERT_FILE"]].compactMap { $0 } + [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/ca-bundle.pem",
            "/etc/ssl/cert.pem",
        ]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// A bundle holding the system CAs followed by the certificates in `caFile`, written afresh into `directory`
    /// under a name of its own (created exclusively, never through a link), for one load: the caller removes it
    /// once libgit2 has read it. A bundle kept and reused as found let anything able to write the cache add a CA
    /// of its own for `--repo` (and a FIFO in its place blocked every fetch on the process-wide lock).
    static func combinedBundle(caFile: String, directory: String) throws -> String {
        guard let custom = FileManager.default.contents(atPath: caFile) else {
            throw GitSourceError.cacheUnavailable(path: caFile, reason: "the CA file cannot be read")
        }
        guard String(decoding: custom, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw GitSourceError.certificateRejected(url: caFile, message: "the CA file holds no PEM certificate")
        }
        var bundle = Data()
        if let system = systemBundlePath(), let systemData = FileManager.default.contents(atPath: system) {
            bundle.append(systemData)
            if systemData.last != UInt8(ascii: "\n") { bundle.append(UInt8(ascii: "\n")) }
        }
        bundle.append(custom)
        let path = "\(directory)/ca-bundle-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pem"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GitSourceError.cacheUnavailable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let written = bundle.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bundle.count else {
            unlink(path)
            throw GitSourceError.cacheUnavailable(path: path, reason: "cannot write the CA bundle")
        }
        return path
    }

    /// Points libgit2 at `bundle` (or the system bundle when nil). Call with `lock` held.
    static func apply(bundle: String?) throws {
        guard let file = bundle ?? systemBundlePath() else { return }
        try LibGit2.check("git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS)", wriftsync_git_set_ssl_cert_file(file))
    }
}
