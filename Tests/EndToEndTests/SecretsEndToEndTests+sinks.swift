import Controller
import Foundation
import Testing
import WriftAIEmulator
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

extension SecretsEndToEndTests {
    static let notifySecret = "nsec-SECRET-5a1f9c0e7d"
    static let githubToken = "ghs-SECRET-GITHUB-8b3e2d1c"

    /// Everything a sink received, as text: every header but GitHub's `Authorization` (which must carry the
    /// GitHub token, and only that), and the body. The path is the URL the operator gave (Slack's holds its
    /// secret), and is checked apart.
    static func add(_ label: String, _ server: RecordingServer, into capture: Capture) {
        for (index, request) in server.requests.enumerated() {
            let headers = request.headers.filter { $0.key != "authorization" }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            capture.add("\(label) #\(index)", ([request.method] + headers + [request.text]).joined(separator: "\n"))
        }
    }

    @Test func noSecretReachesAnySinkOrTheHistory() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let server = try HTTPGitServer(serving: repository, auth: .basic(user: Self.gitUser, password: Self.gitPassword))
        let credentials = try TemporaryDirectory("e2e-sink-credentials")
        let files = (
            token: credentials.path + "/api-token", password: credentials.path + "/git-password",
            wrongPassword: credentials.path + "/wrong-git-password", webhook: credentials.path + "/webhook",
            notify: credentials.path + "/notify-secret", github: credentials.path + "/github-token", slack: credentials.path + "/slack-url"
        )
        for (path, value) in [(files.token, Self.token), (files.password, Self.gitPassword), (files.wrongPassword, Self.wrongGitPassword),
                              (files.webhook, Self.webhookSecret), (files.notify, Self.notifySecret), (files.github, Self.githubToken)] {
            try (value + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let cache = try TemporaryDirectory("e2e-sink-cache"), state = try TemporaryDirectory("e2e-sink-state")
        let withURL = ["--repo", Self.embeddedURL(server, password: Self.gitPassword), "--cache-dir", cache.path, "--state-dir", state.path]
        let wrongFile = ["--repo", server.url, "--git-username", Self.gitUser, "--git-password-file", files.wrongPassword,
                         "--cache-dir", cache.path, "--state-dir", state.path]
        let capture = Capture()
        let storage = try InMemoryEmulatorStorage()
        let emulatorConfiguration = EmulatorConfiguration(
            authentication: .init(usersByToken: [Self.token: "alice"]), rateLimit: .off, initialModels: [try InitialModel(parsing: "alice/a")]
        )
        try await withRecordingServer { hook in
            try await withRecordingServer { slack in
                try await withRecordingServer(respond: { _, _ in 201 }) { github in
                    try (slack.url + "/services/T0/B0/slackpath\n").write(toFile: files.slack, atomically: true, encoding: .utf8)
                    let sinks = ["--notify", hook.url + "/hook", "--notify-secret-file", files.notify, "--notify-slack-file", files.slack,
                                 "--github-status", "--github-api-url", github.url, "--github-token-file", files.github,
                                 "--github-repository", "acme/models", "--notify-repeat", "1s"]
                    try await withRunningEmulator(configuration: emulatorConfiguration, storage: storage) { emulator in
                        let api = ["--api-url", emulator.baseURL, "--rate-limit", "1000", "--token-file", files.token]
                        // apply, then the controller through a new commit, the webhook and invalid declarations.
                        #expect(try await Self.run("apply with sinks", ["apply", "--auto-approve"] + withURL + api + sinks, into: capture).status == 0)
                        let process = try Self.launch(
                            ["run", "--interval", "1h", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--webhook-secret-file", files.webhook,
                             "--log-format", "json"] + withURL + api + sinks,
                            token: nil
                        )
                        let base = try await RunCommandTests.listenAddress(process)
                        #expect(try await RunCommandTests.eventually { try await RunCommandTests.curl([base + "/readyz"]).code == "200" })
                        let body = #"{"ref":"refs/heads/main"}"#
                        let signature = WebhookSignature.sign(Array(body.utf8), secret: Array(Self.webhookSecret.utf8))
                        try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2]))
                        try repository.commit("add v2")
                        _ = try await Self.curl("signed webhook", ["-X", "POST", "-H", "X-Hub-Signature-256: " + signature, "-d", body, base + "/hooks/git"], into: capture)
                        #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest) })
                        try repository.write("models/a.yaml", "model: alice/a\nversions: [oops]\n")
                        try repository.commit("break a")
                        // A delivery of its own (a push's payload names its commits): the same one again would start nothing.
                        let body2 = #"{"ref":"refs/heads/main","after":"break a"}"#
                        let signature2 = WebhookSignature.sign(Array(body2.utf8), secret: Array(Self.webhookSecret.utf8))
                        _ = try await Self.curl("signed webhook 2", ["-X", "POST", "-H", "X-Hub-Signature-256: " + signature2, "-d", body2, base + "/hooks/git"], into: capture)
                        #expect(try await RunCommandTests.eventually { hook.requests.contains { $0.text.contains(#""type":"failed""#) } })
                        for endpoint in ["/status", "/history", "/metrics"] {
                            _ = try await Self.curl("GET \(endpoint) with sinks", [base + endpoint], into: capture)
                        }
                        capture.add("run with sinks", try await RunCommandTests.terminate(process))
                        // A wrong git password, then an API answering 503: failures whose messages reach every sink.
                        #expect(try await Self.run("run --once wrong git password with sinks", ["run", "--once"] + wrongFile + api + sinks, into: capture).status == 1)
                    }
                    try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2, 3]))
                    try repository.commit("add v3")
                    var failing = emulatorConfiguration
                    failing.faults = .init(failRate: 1)
                    try await withRunningEmulator(configuration: failing, storage: storage) { emulator in
                        let api = ["--api-url", emulator.baseURL, "--rate-limit", "1000", "--token-file", files.token]
                        let failed = try await Self.run("apply 5xx with sinks", ["apply", "--auto-approve"] + withURL + api + sinks, into: capture)
                        #expect(failed.status == 1)
                    }
                    for (label, sink) in [("webhook", hook), ("slack", slack), ("github", github)] {
                        #expect(!sink.requests.isEmpty, "\(label) received nothing")
                        Self.add(label, sink, into: capture)
                    }
                    #expect(github.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(Self.githubToken)" })
                    #expect(slack.requests.allSatisfy { $0.path == "/services/T0/B0/slackpath" })
                    #expect(hook.requests.allSatisfy { $0.path == "/hook" })
                    #expect(hook.requests.contains { $0.text.contains("authentication failed") }, "the failures reached the sinks")
                }
            }
        }
        #expect(capture.addFiles(under: state.path, label: "state") >= 1)
        #expect(capture.texts.contains { $0.label == "state/history.jsonl" && $0.text.contains(#""result":"failed""#) })
        var leaks: [String] = []
        for (label, text) in capture.texts {
            for form in Self.forbidden + [Self.notifySecret, Self.githubToken, "slackpath"] where text.contains(form) {
                let line = text.split(separator: "\n").first { $0.contains(form) } ?? ""
                leaks.append("\(label) contains \(form): \(line.prefix(300))")
            }
        }
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}
