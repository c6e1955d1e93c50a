import SystemCrypto
import Foundation

/// An OpenSSH known_hosts file: plain (`host,[host]:port keytype base64`) and hashed (`|1|salt|hmac`)
/// host patterns. `@revoked` lines reject a key; `@cert-authority` lines are not supported and skipped.
struct KnownHosts: Sendable {
    struct Entry: Sendable {
        enum Pattern: Sendable {
            case plain([String])
            case hashed(salt: Data, hash: Data)
        }

        let pattern: Pattern
        let keyType: String
        let key: Data
        let revoked: Bool
    }

    let path: String
    let entries: [Entry]

    /// The verdict on a key a server offered.
    enum Verdict: Equatable, Sendable {
        case trusted
        case unknown
        case mismatch
        case revoked
    }

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitSourceError.knownHostsMissing(path: path)
        }
        self.entries = String(decoding: data, as: UTF8.self)
            .split(whereSeparator: \.isNewline)
            .compactMap { Self.parse(line: $0) }
    }

    /// How known_hosts names a host: `host` on port 22, `[host]:port` elsewhere.
    static func hostPattern(host: String, port: Int?) -> String {
        guard let port, port != 22 else { return host }
        return "[\(host)]:\(port)"
    }

    func verdict(host: String, port: Int?, key: Data) -> Verdict {
        let name = Self.hostPattern(host: host, port: port)
        let matching = entries.filter { matches($0.pattern, name: name) }
        if matching.contains(where: { $0.revoked && $0.key == key }) { return .revoked }
        let candidates = matching.filter { !$0.revoked }
        if candidates.contains(where: { $0.key == key }) { return .trusted }
        return candidates.isEmpty ? .unknown : .mismatch
    }

    private func matches(_ pattern: Entry.Pattern, name: String) -> Bool {
        switch pattern {
        case let .plain(hosts):
            var matched = false
            for host in hosts {
                if host.hasPrefix("!") {
                    if Self.glob(String(host.dropFirst()), name) { return false }
                } else if Self.glob(host, name) {
                    matched = true
                }
            }
            return matched
        case let .hashed(salt, hash):
            let mac = HashFunction.sha1.authenticationCode(for: Data(name.utf8), key: salt)
            return Data(mac) == hash
        }
    }

    private static func parse(line: Substring) -> Entry? {
        var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return nil }
        var revoked = false
        if first.hasPrefix("@") {
            guard first == "@revoked" else { return nil }
            revoked = true
            fields.removeFirst()
        }
        guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { return nil }
        let hosts = fields[0]
        let pattern: Entry.Pattern
        if hosts.hasPrefix("|1|") {
            let parts = hosts.split(separator: "|")
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
                  let hash = Data(base64Encoded: String(parts[2])) else { return nil }
            pattern = .hashed(salt: salt, hash: hash)
        } else {
            pattern = .plain(hosts.split(separator: ",").map { $0.lowercased() })
        }
        return Entry(pattern: pattern, keyType: fields[1], key: key, revoked: revoked)
    }

    /// OpenSSH host patterns: `*` and `?` wildcards, case-insensitive.
    static func glob(_ pattern: String, _ name: String) -> Bool {
        SSHPattern.matches(pattern.lowercased(), name.lowercased())
    }
}
