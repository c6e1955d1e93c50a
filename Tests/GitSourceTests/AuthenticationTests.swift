import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

/// Refusals: wrong credentials, unknown and changed host keys. Each must fail fast, clearly, and without
/// a secret in the message.
@Suite(.onOwnThreads) struct AuthenticationTests {
    @Test func aWrongPasswordFailsFastWithoutLeakingIt() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "right-password"))
        let started = ContinuousClock.now
        let error = try #require(gitError {
            try SourceFixture { $0.credentials = GitCredentials(username: "alice", password: Secret(value: "wrong-password-42", source: "test")) }
                .sync(server.url)
        })
        guard case .authenticationFailed = error else {
            Issue.record("expected authenticationFailed, got \(error)")
            return
        }
        #expect(!error.description.contains("wrong-password-42"))
        #expect(error.description.contains("rejected the configured credentials"))
        #expect(server.requests().count <= 2, "no retry loop")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func missingCredentialsSayWhatToConfigure() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .bearer("needed-token"))
        let error = gitError { try SourceFixture().sync(server.url) }
        #expect(error == .authenticationFailed(url: server.url, detail: "the server requires credentials and none were configured"))
        #expect(error?.description.contains("--git-bearer-token-env") == true)
    }

    @Test func aWrongTokenEmbeddedInTheURLNeverAppears() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "good"))
        let url = server.url.replacingOccurrences(of: "http://", with: "http://alice:leaky-url-token@")
        let error = try #require(gitError { try SourceFixture().sync(url) })
        #expect(!error.description.contains("leaky-url-token"))
        #expect(!"\(error)".contains("leaky-url-token"))
    }

    @Test func aTokenInTheURLQueryNeverAppears() throws {
        let repository = try TestRepository()
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: "alice", password: "good"))
        let error = try #require(gitError { try SourceFixture().sync(server.url + "?private_token=leaky-query-token") })
        guard case .invalidRepository = error else {
            Issue.record("expected invalidRepository, got \(error)")
            return
        }
        #expect(!error.description.contains("leaky-query-token"))
        #expect(error.description.contains("private_token=***"))
        #expect(server.requests().isEmpty, "refused before any request")
    }

    /// libgit2 follows a redirect to the same host on another port even with redirects off, and sends the
    /// up-front `Authorization` header there: another service, maybe another user's on a shared machine.
    @Test func credentialsNeverFollowARedirectToAnotherPort() throws {
        let target = try SilentListener()
        let reached = target.acceptForever()
        let redirector = try SilentListener()
        let redirects = redirector.answerEvery(with: "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:\(target.port)/repo.git/info/refs?service=git-upload-pack\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let url = "http://127.0.0.1:\(redirector.port)/repo.git"
        // A timeout far from the refusal's time: five seconds was met by a loaded machine before the redirect.
        let error = try #require(gitError {
            try SourceFixture(timeout: 120) { $0.credentials = GitCredentials(username: "alice", password: Secret(value: "redirected-secret", source: "test")) }
                .sync(url)
        })
        #expect(redirects.accepted >= 1, "the redirect was asked for")
        #expect(reached.accepted == 0, "nothing connected to the other port: \(error)")
        #expect(error.description.contains("refusing to connect to 127.0.0.1:\(target.port)"), "\(error)")
        #expect(!error.description.contains("redirected-secret"))
    }

    @Test func anUnknownHostKeyIsRefusedShowingTheOfferedFingerprint() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository)
        let empty = server.keys.path + "/empty_known_hosts"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let fingerprint = try Shell.run(["ssh-keygen", "-l", "-E", "sha256", "-f", server.hostPublicKey]).split(separator: " ")[1]
        let error = gitError {
            try SourceFixture {
                $0.credentials = GitCredentials(sshKey: .init(privateKeyPath: server.clientKey))
                $0.knownHostsFile = empty
            }.sync(server.url)
        }
        #expect(error == .unknownHostKey(host: "[localhost]:\(server.port)", fingerprint: String(fingerprint), knownHosts: empty))
    }

    @Test func aChangedHostKeyIsRefused() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository)
        let other = try TemporaryDirectory("otherkey")
        try Shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.path + "/key"])
        let otherKey = try String(contentsOfFile: other.path + "/key.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = other.path + "/known_hosts"
        try "[localhost]:\(server.port) \(otherKey)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        let error = try #require(gitError {
            try SourceFixture {
                $0.credentials = GitCredentials(sshKey: .init(privateKeyPath: server.clientKey))
                $0.knownHostsFile = knownHosts
            }.sync(server.url)
        })
        guard case .hostKeyMismatch = error else {
            Issue.record("expected hostKeyMismatch, got \(error)")
            return
        }
        #expect(error.description.contains("SHA256:"))
    }

    @Test func sshWithoutAKnownHostsFileRefusesBeforeConnecting() throws {
        let error = gitError {
            try SourceFixture { $0.knownHostsFile = "/nonexistent/known_hosts" }.sync("ssh://git@localhost:1/repo.git")
        }
        #expect(error == .knownHostsMissing(path: "/nonexistent/known_hosts"))
    }

    @Test func aRejectedSSHKeyGivesUpAfterOneOffer() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository)
        let stranger = try TemporaryDirectory("stranger")
        try Shell.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.path + "/id"])
        let knownHosts = try server.knownHosts()
        let started = ContinuousClock.now
        let error = try #require(gitError {
            try SourceFixture {
                $0.credentials = GitCredentials(sshKey: .init(privateKeyPath: stranger.path + "/id"))
                $0.knownHostsFile = knownHosts
            }.sync(server.url)
        })
        guard case let .authenticationFailed(_, detail) = error else {
            Issue.record("expected authenticationFailed, got \(error)")
            return
        }
        #expect(detail.contains("rejected the SSH key"))
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func sshWithoutAKeyIsRefusedClearly() throws {
        let repository = try TestRepository()
        let server = try SSHServer(serving: repository)
        let error = gitError { try SourceFixture { $0.knownHostsFile = try! server.knownHosts() }.sync(server.url) }
        #expect(error == .authenticationFailed(url: server.url, detail: "the server asks for an SSH key and none was configured"))
    }
}
