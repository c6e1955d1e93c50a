import Foundation

/// A credential value. It prints as `***` so it cannot reach a log or an error by accident, and it can
/// only be built from an environment variable or a file, never from a command-line value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret text. Read it only to hand it to the transport.
    public let value: String
    /// Where it came from (`env WRIFTSYNC_GIT_PASSWORD`, `file /run/secrets/token`), for error messages.
    public let source: String

    init(value: String, source: String) {
        self.value = value
        self.source = source
    }

    /// Reads a secret from an environment variable; it must be set and non-empty.
    public static func environment(_ name: String, in environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Secret {
        guard let value = environment[name], !value.isEmpty else {
            throw GitSourceError.credentialUnavailable(source: "environment variable \(name)", reason: "it is not set or empty")
        }
        return Secret(value: value, source: "env \(name)")
    }

    /// Reads a secret from a file; one trailing newline is dropped, and an empty file is an error.
    public static func file(_ path: String) throws -> Secret {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GitSourceError.credentialUnavailable(source: "file \(path)", reason: "it cannot be read (\((error as NSError).localizedDescription))")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw GitSourceError.credentialUnavailable(source: "file \(path)", reason: "it is not UTF-8 text")
        }
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else {
            throw GitSourceError.credentialUnavailable(source: "file \(path)", reason: "it is empty")
        }
        return Secret(value: text, source: "file \(path)")
    }

    /// A secret taken from a URL's userinfo.
    static func embedded(_ value: String) -> Secret {
        Secret(value: value, source: "the repository URL")
    }

    public var description: String { Redaction.placeholder }
    public var debugDescription: String { "Secret(\(source))" }
}

/// How WriftSync authenticates to the git server.
public struct GitCredentials: Sendable, Hashable {
    /// HTTP Basic user name (with `password`), or the SSH user when the URL names none.
    public var username: String?
    /// HTTP Basic password or access token, sent with `username`.
    public var password: Secret?
    /// HTTP bearer token, sent as `Authorization: Bearer …`.
    public var bearerToken: Secret?
    /// SSH private key.
    public var sshKey: SSHKey?

    /// An SSH private key file (ed25519 or ECDSA), with an optional passphrase.
    public struct SSHKey: Sendable, Hashable {
        public var privateKeyPath: String
        public var passphrase: Secret?

        public init(privateKeyPath: String, passphrase: Secret? = nil) {
            self.privateKeyPath = privateKeyPath
            self.passphrase = passphrase
        }

        /// The public key beside the private one (`KEY.pub`), if present.
        var publicKeyPath: String? {
            let candidate = privateKeyPath + ".pub"
            return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
        }
    }

    public init(username: String? = nil, password: Secret? = nil, bearerToken: Secret? = nil, sshKey: SSHKey? = nil) {
        self.username = username
        self.password = password
        self.bearerToken = bearerToken
        self.sshKey = sshKey
    }

    /// Every secret value, for scrubbing messages; with a password, also the `user:password` pair that
    /// HTTP Basic sends (Base64-encoded, a form ``Redaction/scrub(_:secrets:)`` removes too).
    var secretValues: [String] {
        let pair = password.map { "\(username ?? "git"):\($0.value)" }
        return [password?.value, pair, bearerToken?.value, sshKey?.passphrase?.value].compactMap { $0 }
    }

    /// The `Authorization` header sent up front on every HTTP request, if credentials are configured.
    var authorizationHeader: String? {
        if let bearerToken {
            return "Authorization: Bearer \(bearerToken.value)"
        }
        if let password {
            let pair = "\(username ?? "git"):\(password.value)"
            return "Authorization: Basic \(Data(pair.utf8).base64EncodedString())"
        }
        return nil
    }

    /// These credentials, completed by those embedded in the URL; explicit ones win.
    func merged(with embedded: RepositorySpec.EmbeddedCredentials?) -> GitCredentials {
        guard let embedded else { return self }
        var result = self
        let hasExplicitSecret = password != nil || bearerToken != nil
        if let password = embedded.password {
            if !hasExplicitSecret {
                result.username = result.username ?? embedded.username
                result.password = .embedded(password)
            }
        } else if hasExplicitSecret {
            result.username = result.username ?? embedded.username
        } else {
            // https://TOKEN@host/… : a lone userinfo is the token, as GitHub and GitLab accept it.
            result.username = result.username ?? "x-access-token"
            result.password = .embedded(embedded.username)
        }
        return result
    }
}
