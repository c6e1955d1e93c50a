import Foundation

/// Where a repository lives, parsed from a `--repo` value. Credentials embedded in an http(s) URL are
/// taken out of the URL (which is then safe to print and store) and kept apart as `embeddedCredentials`.
public struct RepositorySpec: Sendable, Hashable, CustomStringConvertible {
    /// The transport a spec uses.
    public enum Transport: String, Sendable, Hashable {
        case https, http, ssh, git, file, localPath
    }

    /// The transport.
    public let transport: Transport
    /// The URL or path handed to libgit2; never contains a password or token.
    public let url: String
    /// `user:password` (or a lone token) that was embedded in an http(s) URL, if any.
    public let embeddedCredentials: EmbeddedCredentials?

    /// Credentials found in the userinfo of an http(s) URL.
    public struct EmbeddedCredentials: Sendable, Hashable {
        public let username: String
        public let password: String?
    }

    /// Parses a repository spec: an `https://`, `http://`, `ssh://`, `git://` or `file://` URL, an scp-like
    /// `user@host:path`, or a local path (relative paths are resolved against the current directory).
    public init(_ spec: String) throws {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw GitSourceError.invalidRepository(spec: spec, reason: "it is empty") }
        if let schemeRange = trimmed.range(of: "://") {
            let scheme = trimmed[..<schemeRange.lowerBound].lowercased()
            let rest = String(trimmed[schemeRange.upperBound...])
            switch scheme {
            case "https", "http":
                transport = scheme == "https" ? .https : .http
                (url, embeddedCredentials) = try Self.splitCredentials(scheme: scheme, rest: rest, original: spec)
            case "ssh", "git+ssh", "ssh+git":
                transport = .ssh
                guard Self.host(of: rest) != nil else {
                    throw GitSourceError.invalidRepository(spec: spec, reason: "it has no host")
                }
                if Self.userinfo(of: rest)?.contains(":") == true {
                    throw GitSourceError.invalidRepository(spec: spec, reason: "SSH URLs cannot carry a password; use --ssh-key")
                }
                url = "ssh://" + rest
                embeddedCredentials = nil
            case "git":
                transport = .git
                guard Self.host(of: rest) != nil else {
                    throw GitSourceError.invalidRepository(spec: spec, reason: "it has no host")
                }
                url = trimmed
                embeddedCredentials = nil
            case "file":
                transport = .file
                guard rest.hasPrefix("/") else {
                    throw GitSourceError.invalidRepository(spec: spec, reason: "a file:// URL needs an absolute path (file:///path)")
                }
                url = "file://" + rest
                embeddedCredentials = nil
            default:
                throw GitSourceError.invalidRepository(spec: spec, reason: "unsupported scheme '\(scheme)'")
            }
        } else if Self.isSCPLike(trimmed) {
            transport = .ssh
            url = trimmed
            embeddedCredentials = nil
        } else {
            transport = .localPath
            let absolute = trimmed.hasPrefix("/")
                ? trimmed
                : FileManager.default.currentDirectoryPath + "/" + trimmed
            url = URL(fileURLWithPath: absolute).standardizedFileURL.path
            embeddedCredentials = nil
        }
    }

    /// A form safe to print in messages and logs.
    public var description: String { url }

    /// The host for network transports, without port or user; nil for local repositories.
    public var host: String? {
        switch transport {
        case .localPath, .file: return nil
        case .ssh where !url.hasPrefix("ssh://"):
            let beforeColon = url[..<(url.firstIndex(of: ":") ?? url.endIndex)]
            return String(beforeColon.split(separator: "@").last ?? beforeColon)
        default:
            guard let range = url.range(of: "://") else { return nil }
            return Self.host(of: String(url[range.upperBound...]))
        }
    }

    /// Whether `host` names this machine (`localhost`, `127.0.0.0/8`, `::1`): plain HTTP to it never leaves it.
    public static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in octet.allSatisfy(\.isASCII) && Int(octet).map { (0...255).contains($0) } == true }
    }

    /// The port given in the URL, if any.
    public var port: Int? {
        guard let range = url.range(of: "://") else { return nil }
        let rest = url[range.upperBound...]
        var authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let after = authority[authority.index(after: close)...]
            return after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return Int(authority[authority.index(after: colon)...])
    }

    /// The SSH user named in the spec (`git` in `git@host:path`), if any.
    public var sshUser: String? {
        guard transport == .ssh else { return nil }
        if let range = url.range(of: "://") {
            return Self.userinfo(of: String(url[range.upperBound...]))
        }
        guard let at = url.firstIndex(of: "@"), let colon = url.firstIndex(of: ":"), at < colon else { return nil }
        return String(url[..<at])
    }

    /// A short, file-system-safe and collision-resistant name for the mirror of this repository.
    var mirrorName: String {
        let slug = url
            .replacingOccurrences(of: "://", with: "-")
            .map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "-" }
        let trimmedSlug = String(String(slug).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-").suffix(60))
        return "\(trimmedSlug)-\(Hashing.shortHex(of: url))"
    }

    private static func splitCredentials(scheme: String, rest: String, original: String) throws -> (String, EmbeddedCredentials?) {
        guard host(of: rest) != nil else {
            throw GitSourceError.invalidRepository(spec: original, reason: "it has no host")
        }
        // libgit2 builds each request's URL from the path alone (`git_net_url_joinpath` keeps only the
        // service's query), so a token there would never reach the server: refused before it is stored.
        if rest.contains("?") {
            throw GitSourceError.invalidRepository(
                spec: original,
                reason: "it has a query (?…), which git never sends to the server; give a token with --git-bearer-token-env or --git-password-env instead"
            )
        }
        guard let userinfo = userinfo(of: rest) else { return ("\(scheme)://\(rest)", nil) }
        let withoutUserinfo = String(rest[rest.index(after: rest.firstIndex(of: "@")!)...])
        let parts = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let decode = { (value: String) in value.removingPercentEncoding ?? value }
        let credentials = EmbeddedCredentials(
            username: decode(parts[0]),
            password: parts.count > 1 ? decode(parts[1]) : nil
        )
        return ("\(scheme)://\(withoutUserinfo)", credentials)
    }

    private static func authority(of rest: String) -> Substring {
        rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex)]
    }

    private static func userinfo(of rest: String) -> String? {
        let authority = authority(of: rest)
        guard let at = authority.lastIndex(of: "@") else { return nil }
        return String(authority[..<at])
    }

    private static func host(of rest: String) -> String? {
        var authority = authority(of: rest)
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        let host = authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return host.isEmpty ? nil : host
    }

    /// `user@host:path` or `host:path`, as git reads it: a colon before any slash, and not a Windows drive.
    private static func isSCPLike(_ spec: String) -> Bool {
        guard let colon = spec.firstIndex(of: ":") else { return false }
        if let slash = spec.firstIndex(of: "/"), slash < colon { return false }
        let host = spec[..<colon]
        return host.count > 1 && !spec[spec.index(after: colon)...].isEmpty
    }
}
