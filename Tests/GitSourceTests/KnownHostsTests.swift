import Crypto
import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

@Suite struct KnownHostsTests {
    let key = Data("key-one".utf8)
    let otherKey = Data("key-two".utf8)

    func file(_ lines: [String]) throws -> (TemporaryDirectory, KnownHosts) {
        let directory = try TemporaryDirectory("kh")
        let path = directory.path + "/known_hosts"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, try KnownHosts(path: path))
    }

    @Test func trustsAMatchingPlainEntryOnPort22AndOnOtherPorts() throws {
        let (_, hosts) = try file([
            "example.com,10.0.0.1 ssh-ed25519 \(key.base64EncodedString())",
            "[localhost]:2222 ssh-ed25519 \(key.base64EncodedString())",
        ])
        #expect(hosts.verdict(host: "example.com", port: nil, key: key) == .trusted)
        #expect(hosts.verdict(host: "example.com", port: 22, key: key) == .trusted)
        #expect(hosts.verdict(host: "localhost", port: 2222, key: key) == .trusted)
        #expect(hosts.verdict(host: "localhost", port: 2223, key: key) == .unknown)
    }

    @Test func reportsAChangedKeyAsAMismatch() throws {
        let (_, hosts) = try file(["example.com ssh-ed25519 \(key.base64EncodedString())"])
        #expect(hosts.verdict(host: "example.com", port: nil, key: otherKey) == .mismatch)
        #expect(hosts.verdict(host: "other.com", port: nil, key: key) == .unknown)
    }

    @Test func matchesHashedHostNames() throws {
        let salt = Data((0..<20).map { UInt8($0) })
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data("[localhost]:2222".utf8), using: SymmetricKey(data: salt))
        let (_, hosts) = try file(["|1|\(salt.base64EncodedString())|\(Data(mac).base64EncodedString()) ssh-ed25519 \(key.base64EncodedString())"])
        #expect(hosts.verdict(host: "localhost", port: 2222, key: key) == .trusted)
        #expect(hosts.verdict(host: "localhost", port: 22, key: key) == .unknown)
    }

    @Test func revokedKeysAreRefusedAndNegatedPatternsExclude() throws {
        let (_, hosts) = try file([
            "@revoked * ssh-ed25519 \(otherKey.base64EncodedString())",
            "*.example.com,!bad.example.com ssh-ed25519 \(key.base64EncodedString())",
            "# a comment",
        ])
        #expect(hosts.verdict(host: "good.example.com", port: nil, key: key) == .trusted)
        #expect(hosts.verdict(host: "bad.example.com", port: nil, key: key) == .unknown)
        #expect(hosts.verdict(host: "good.example.com", port: nil, key: otherKey) == .revoked)
    }

    @Test func aMissingFileIsAClearError() {
        #expect(throws: GitSourceError.knownHostsMissing(path: "/nonexistent/known_hosts")) {
            try KnownHosts(path: "/nonexistent/known_hosts")
        }
    }
}
