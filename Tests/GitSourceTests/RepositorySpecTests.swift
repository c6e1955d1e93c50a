import Foundation
import Testing
@testable import GitSource
import WriftSyncTesting

@Suite struct RepositorySpecTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let spec: String
        let transport: RepositorySpec.Transport
        let url: String
        let host: String?
        let port: Int?
        var testDescription: String { spec }
    }

    @Test(arguments: [
        Case(spec: "https://example.com/acme/models.git", transport: .https, url: "https://example.com/acme/models.git", host: "example.com", port: nil),
        Case(spec: "http://localhost:8080/repo.git", transport: .http, url: "http://localhost:8080/repo.git", host: "localhost", port: 8080),
        Case(spec: "https://alice:s3cret@example.com/repo.git", transport: .https, url: "https://example.com/repo.git", host: "example.com", port: nil),
        Case(spec: "ssh://git@example.com:2222/acme/models.git", transport: .ssh, url: "ssh://git@example.com:2222/acme/models.git", host: "example.com", port: 2222),
        Case(spec: "git@github.com:acme/models.git", transport: .ssh, url: "git@github.com:acme/models.git", host: "github.com", port: nil),
        Case(spec: "git://127.0.0.1:9418/repo.git", transport: .git, url: "git://127.0.0.1:9418/repo.git", host: "127.0.0.1", port: 9418),
        Case(spec: "file:///srv/git/repo.git", transport: .file, url: "file:///srv/git/repo.git", host: nil, port: nil),
        Case(spec: "/srv/git/repo", transport: .localPath, url: "/srv/git/repo", host: nil, port: nil),
        Case(spec: "/srv/git/../git/repo/", transport: .localPath, url: "/srv/git/repo", host: nil, port: nil),
    ])
    func parses(_ item: Case) throws {
        let spec = try RepositorySpec(item.spec)
        #expect(spec.transport == item.transport)
        #expect(spec.url == item.url)
        #expect(spec.host == item.host)
        #expect(spec.port == item.port)
    }

    @Test func relativePathIsResolvedAgainstTheWorkingDirectory() throws {
        let spec = try RepositorySpec("some/repo")
        #expect(spec.transport == .localPath)
        #expect(spec.url == FileManager.default.currentDirectoryPath + "/some/repo")
    }

    @Test(arguments: ["", "ftp://example.com/repo", "https:///repo", "ssh://git:pw@example.com/repo", "file://relative/path"])
    func rejects(_ text: String) {
        #expect(throws: GitSourceError.self) { try RepositorySpec(text) }
    }

    @Test func embeddedCredentialsAreTakenOutOfTheURL() throws {
        let spec = try RepositorySpec("https://alice:p%40ss@example.com/repo.git")
        #expect(spec.embeddedCredentials == .init(username: "alice", password: "p@ss"))
        #expect(!spec.description.contains("p%40ss") && !spec.description.contains("p@ss"))
        #expect(!spec.mirrorName.contains("alice"))
        let merged = GitCredentials().merged(with: spec.embeddedCredentials)
        #expect(merged.username == "alice")
        #expect(merged.password?.value == "p@ss")
    }

    @Test func aLoneUserinfoIsAToken() throws {
        let spec = try RepositorySpec("https://ghp_token123@example.com/repo.git")
        let merged = GitCredentials().merged(with: spec.embeddedCredentials)
        #expect(merged.password?.value == "ghp_token123")
        #expect(spec.url == "https://example.com/repo.git")
    }

    @Test func explicitCredentialsWinOverEmbeddedOnes() throws {
        let spec = try RepositorySpec("https://alice:old@example.com/repo.git")
        let explicit = GitCredentials(username: "bob", password: Secret(value: "new", source: "test"))
        #expect(explicit.merged(with: spec.embeddedCredentials).password?.value == "new")
        #expect(explicit.merged(with: spec.embeddedCredentials).username == "bob")
    }

    @Test(arguments: [
        ("https://alice:secret@example.com/r.git", "https://alice:***@example.com/r.git"),
        ("https://token@example.com/r.git", "https://***@example.com/r.git"),
        ("ssh://git@example.com/r.git", "ssh://git@example.com/r.git"),
        ("no url here", "no url here"),
        ("https://example.com/r.git?private_token=glpat-123", "https://example.com/r.git?private_token=***"),
        ("https://u:p@example.com/r.git?a=1&token=2#top", "https://u:***@example.com/r.git?a=***&token=***#top"),
        ("https://example.com/r.git?SECRET", "https://example.com/r.git?***"),
        ("https://example.com?t=1", "https://example.com?t=***"),
        ("https://example.com/r.git?", "https://example.com/r.git?"),
        ("ssh://git@example.com/r.git?k=v", "ssh://git@example.com/r.git?k=***"),
    ])
    func redactsURLs(_ pair: (String, String)) {
        #expect(Redaction.redactURL(pair.0) == pair.1)
    }

    /// libgit2 never sends a repository URL's query (each request's URL is built from the path), so a token
    /// there could only end up on disk: refused at once, without echoing it.
    @Test(arguments: ["https://example.com/team/models.git?private_token=glpat-SECRET", "http://localhost:8080/r.git?SECRET"])
    func aURLWithAQueryIsRefusedWithoutEchoingIt(_ url: String) {
        #expect {
            try RepositorySpec(url)
        } throws: { error in
            let text = "\(error)"
            return !text.contains("SECRET") && text.contains("query") && text.contains("--git-bearer-token-env")
        }
    }

    @Test(arguments: [
        ("unexpected http status code: 404 for https://h/r.git?private_token=SECRET/info/refs",
         "unexpected http status code: 404 for https://h/r.git?private_token=***"),
        ("redirect to 'https://h/r.git?t=SECRET&x=2' refused", "redirect to 'https://h/r.git?t=***&x=***' refused"),
        ("two: http://a/?k=SECRET and HTTPS://b/?k=SECRET.", "two: http://a/?k=*** and HTTPS://b/?k=***"),
        ("no url: httpd said SECRET=1", "no url: httpd said SECRET=1"),
    ])
    func urlsInsideMessagesAreRedacted(_ pair: (String, String)) {
        #expect(Redaction.redactURLs(in: pair.0) == pair.1)
        let error = GitSourceError.libgit2(function: "git_remote_fetch", code: -1, message: pair.0)
        #expect(!error.description.contains("SECRET") || pair.0.hasPrefix("no url"))
    }

    @Test func scrubRemovesEverySecretForm() {
        let text = "failed https://u:p%40ss@h/ with p@ss"
        #expect(Redaction.scrub(text, secrets: ["p@ss"]) == "failed https://u:***@h/ with ***")
    }

    @Test(arguments: [
        ("localhost", true), ("LOCALHOST", true), ("git.localhost", true), ("127.0.0.1", true), ("127.1.2.3", true),
        ("::1", true), ("[::1]", true), ("128.0.0.1", false), ("127.0.0.256", false), ("127.0.0", false),
        ("localhost.example.com", false), ("example.com", false), ("10.0.0.1", false), ("", false),
    ])
    func loopbackHosts(host: String, loopback: Bool) {
        #expect(RepositorySpec.isLoopback(host) == loopback)
    }

    @Test func mirrorNamesDifferPerURL() throws {
        let first = try RepositorySpec("https://example.com/a.git").mirrorName
        let second = try RepositorySpec("https://example.com/b.git").mirrorName
        #expect(first != second)
        #expect(first.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
    }

    @Test func secretsNeverPrint() throws {
        let secret = try Secret.environment("WRIFTSYNC_TEST_SECRET", in: ["WRIFTSYNC_TEST_SECRET": "hunter2"])
        #expect(secret.value == "hunter2")
        #expect("\(secret)" == "***")
        #expect(!String(reflecting: secret).contains("hunter2"))
        #expect(throws: GitSourceError.self) { try Secret.environment("WRIFTSYNC_TEST_SECRET", in: [:]) }
    }

    @Test func secretFilesDropTheTrailingNewlineAndRefuseEmptyFiles() throws {
        let directory = try TemporaryDirectory("secret")
        let path = directory.path + "/token"
        try "abc\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Secret.file(path).value == "abc")
        try "\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: GitSourceError.self) { try Secret.file(path) }
        #expect(throws: GitSourceError.self) { try Secret.file(directory.path + "/missing") }
    }
}
