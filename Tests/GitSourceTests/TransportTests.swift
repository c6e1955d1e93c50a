import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// Every transport, against a real server on 127.0.0.1: fetch, resolve `main`, read `models/`.
@Suite(.onOwnThreads) struct TransportTests {
    let expectedPaths = ["models/a.yaml", "models/b.yaml"]

    func expectSnapshot(_ repository: TestRepository, url: String, _ configure: (inout GitSourceConfiguration) -> Void = { _ in }) throws {
        let fixture = try SourceFixture(configure)
        let first = try fixture.snapshot(url)
        #expect(first.commit == (try repository.head()))
        #expect(first.files.map(\.path) == expectedPaths)
        #expect(first.files.first.map { String(decoding: $0.data, as: UTF8.self) } == "model: acme/a\n")
        #expect(first.files.allSatisfy { $0.mode == .regular })
        // The second sync reuses the mirror and transfers nothing.
        let second = try fixture.snapshot(url)
        #expect(second.commit == first.commit)
        #expect(second.stats.receivedObjects == 0)
        #expect(!second.stats.cloned)
    }

    @Test func localPathIsReadInPlace() throws {
        let repository = try TestRepository()
        let fixture = try SourceFixture()
        let snapshot = try fixture.snapshot(repository.path)
        #expect(snapshot.stats.readInPlace)
        #expect(snapshot.commit == (try repository.head()))
        #expect(snapshot.files.map(\.path) == expectedPaths)
        // Nothing is written to the cache for a local path.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: fixture.cache.path + "/git")) == nil)
    }

    @Test func fileURL() throws {
        let repository = try TestRepository()
        try expectSnapshot(repository, url: "file://" + repository.path)
    }

    @Test func gitDaemon() throws {
        let repository = try TestRepository()
        let daemon = try GitDaemon(serving: repository)
        try expectSnapshot(repository, url: daemon.url)
    }

    @Test func smartHTTPWithBasicAuthSendsCredentialsUpFront() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "correct-horse"))
        // The environment as a value: `setenv` in a test process whose other threads read it can crash it.
        let password = try Secret.environment("WRIFTSYNC_TEST_GIT_PASSWORD", in: ["WRIFTSYNC_TEST_GIT_PASSWORD": "correct-horse"])
        try expectSnapshot(repository, url: server.url) {
            $0.credentials = GitCredentials(username: "alice", password: password)
        }
        let requests = server.requests()
        #expect(!requests.isEmpty)
        #expect(requests.allSatisfy { $0.status == 200 && $0.authorised }, "every request carried the header; no 401 round trip")
    }

    @Test func smartHTTPWithBearerToken() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .bearer("tok-123456"))
        try expectSnapshot(repository, url: server.url) {
            $0.credentials = GitCredentials(bearerToken: Secret(value: "tok-123456", source: "test"))
        }
        #expect(server.requests().allSatisfy { $0.status == 200 })
    }

    @Test func credentialsEmbeddedInTheURLWorkAndAreNeverStored() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "url-secret-99"))
        let url = server.url.replacingOccurrences(of: "http://", with: "http://alice:url-secret-99@")
        let fixture = try SourceFixture()
        let snapshot = try fixture.snapshot(url)
        #expect(snapshot.files.map(\.path) == expectedPaths)
        #expect(filesContaining("url-secret-99", under: fixture.cache.path).isEmpty)
    }

    @Test func httpsWithATestCA() throws {
        let repository = try TestRepository()
        let authority = try TestCertificateAuthority()
        let server = try HTTPGitServer(serving: repository, certificate: authority)
        try expectSnapshot(repository, url: server.url) { $0.caFile = authority.caCertificate }
    }

    /// The combined bundle was written once into the cache and trusted as found after: a bundle put in its place
    /// (another CA's) was trusted for `--repo`. Each fetch now writes its own and removes it once loaded.
    @Test func aBundleFoundInTheCacheIsNotTrusted() throws {
        let repository = try TestRepository()
        let authority = try TestCertificateAuthority(), other = try TestCertificateAuthority()
        let server = try HTTPGitServer(serving: repository, certificate: other)
        let fixture = try SourceFixture { $0.caFile = authority.caCertificate }
        // The name the bundle of the system's CAs and `authority`'s was kept under, holding `other`'s CA instead.
        var system = try String(contentsOfFile: try #require(TLSTrust.systemBundlePath()), encoding: .utf8)
        if !system.hasSuffix("\n") { system += "\n" }
        let expected = system + (try String(contentsOfFile: authority.caCertificate, encoding: .utf8))
        let folder = fixture.cache.path + "/git"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let kept = "\(folder)/ca-bundle-\(Hashing.shortHex(of: expected)).pem"
        try String(contentsOfFile: other.caCertificate, encoding: .utf8).write(toFile: kept, atomically: true, encoding: .utf8)
        let error = gitError { try fixture.sync(server.url) }
        guard case .certificateRejected = error else {
            Issue.record("expected certificateRejected, got \(String(describing: error))")
            return
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("ca-bundle-") }
        #expect(left == [(kept as NSString).lastPathComponent], "the fetch's own bundle is gone: \(left)")
    }

    @Test func httpsRefusesACertificateFromAnUnknownCA() throws {
        let repository = try TestRepository()
        let authority = try TestCertificateAuthority()
        let server = try HTTPGitServer(serving: repository, certificate: authority)
        let error = gitError { try SourceFixture().sync(server.url) }
        guard case .certificateRejected = error else {
            Issue.record("expected certificateRejected, got \(String(describing: error))")
            return
        }
        #expect(server.requests().isEmpty, "nothing was sent over the untrusted connection")
    }

    @Test func aCustomCAIsAddedToTheSystemBundleNotSubstitutedForIt() throws {
        let authority = try TestCertificateAuthority()
        let directory = try TemporaryDirectory("bundle")
        let bundle = try TLSTrust.combinedBundle(caFile: authority.caCertificate, directory: directory.path)
        let text = try String(contentsOfFile: bundle, encoding: .utf8)
        let system = try String(contentsOfFile: try #require(TLSTrust.systemBundlePath()), encoding: .utf8)
        let count = { (pem: String) in pem.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1 }
        #expect(count(text) == count(system) + 1)
        #expect(text.hasSuffix(try String(contentsOfFile: authority.caCertificate, encoding: .utf8)))
    }

    @Test func sshWithAnEd25519KeyAndAVerifiedHostKey() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository)
        let knownHosts = try server.knownHosts()
        try expectSnapshot(repository, url: server.url) {
            $0.credentials = GitCredentials(sshKey: .init(privateKeyPath: server.clientKey))
            $0.knownHostsFile = knownHosts
        }
    }

    @Test func sshWithAHashedKnownHostsFileAndAKeyPassphrase() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository, clientKeyPassphrase: "pass-phrase-1")
        let knownHosts = try server.knownHosts(hashed: true)
        try expectSnapshot(repository, url: server.url) {
            $0.credentials = GitCredentials(sshKey: .init(privateKeyPath: server.clientKey, passphrase: Secret(value: "pass-phrase-1", source: "test")))
            $0.knownHostsFile = knownHosts
        }
    }
}

/// Files under `directory` whose bytes contain `needle`.
func filesContaining(_ needle: String, under directory: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory)
    var found: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        let path = directory + "/" + relative
        if let data = FileManager.default.contents(atPath: path), data.range(of: Data(needle.utf8)) != nil {
            found.append(path)
        }
    }
    return found
}
