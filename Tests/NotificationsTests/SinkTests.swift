import Crypto
import Foundation
import Notifications
import Pipeline
import Planner
import Testing

/// What each sink sends for an event: the JSON webhook signed, Slack's text, GitHub's commit status.
@Suite struct SinkTests {
    static let created = plan([change("acme/sentiment", .create, seed: 7)])

    static func event(_ outcome: ReconcileOutcome) throws -> ReconcileEvent {
        try #require(EventBuilder.events(of: outcome, source: source, details: nil).first)
    }

    static var applied: ReconcileOutcome {
        ReconcileOutcome(
            report: report(plan: created, applied: result(of: created, firstNumber: 12), changed: ["acme/sentiment"]),
            trigger: .tick, duration: .seconds(1), baseline: false
        )
    }

    @Test func theWebhookPostsTheEventJSONSignedWithHMACSHA256OfTheBody() throws {
        let event = try Self.event(Self.applied)
        let request = try #require(try WebhookSink(url: "https://hooks.example.com/wriftsync", secret: Array("s3cret".utf8)).request(for: event))
        #expect(request.url == "https://hooks.example.com/wriftsync" && request.method == "POST")
        #expect(request.body == (try event.jsonBody()))
        let expected = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Array("s3cret".utf8)))
        #expect(request.headers["X-WriftSync-Signature-256"] == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
        #expect(request.headers["X-WriftSync-Event"] == "applied" && request.headers["X-WriftSync-Delivery"] == event.id)
        let unsigned = try #require(try WebhookSink(url: "https://hooks.example.com/x", secret: nil).request(for: event))
        #expect(unsigned.headers["X-WriftSync-Signature-256"] == nil)
    }

    @Test func slackGetsASummaryLineThenTheChangesAsText() throws {
        let event = try Self.event(Self.applied)
        let request = try #require(try SlackSink(url: "https://hooks.slack.com/services/T/B/X").request(for: event))
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(payload.keys.sorted() == ["text"])
        let lines = try #require(payload["text"]).split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(":white_check_mark: *applied*: ") == true, "\(lines)")
        #expect(lines.contains { $0.contains("acme/sentiment #12 create → created (sha256:070707070707…)") }, "\(lines)")
        #expect(SlackSink.text(ReconcileEvent(
            type: .failed, time: Date(), repository: "r", ref: nil, path: "models", commit: nil, trigger: .tick, summary: "a <b> & c"
        )).contains("a &lt;b&gt; &amp; c"))
    }

    @Test(arguments: [
        (EventType.applied, ReconcileFailure.Class?.none, "success"),
        (.driftCorrected, nil, "success"),
        (.recovered, nil, "success"),
        (.refused, .stalled, "failure"),
        (.failed, .stalled, "failure"),
        (.failed, .transient, "pending"),
        (.failed, .partial, "pending"),
    ] as [(EventType, ReconcileFailure.Class?, String)])
    func gitHubStatusesByEvent(_ type: EventType, _ failureClass: ReconcileFailure.Class?, _ state: String) throws {
        var event = try Self.event(Self.applied)
        event.type = type
        if let failureClass {
            event.failure = ReconcileEvent.Failure(failureClass == .stalled ? stalledFailure() : transientFailure())
            event.failure?.failureClass = failureClass
        }
        let sink = GitHubStatusSink(
            apiURL: "https://github.example.com/api/v3/", repository: try #require(.init("acme/models")), token: "ghp-token", path: "./models/acme/"
        )
        let request = try #require(try sink.request(for: event))
        #expect(request.url == "https://github.example.com/api/v3/repos/acme/models/statuses/\(String(repeating: "c", count: 40))")
        #expect(request.headers["Authorization"] == "Bearer ghp-token")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(body["state"] == state && body["context"] == "wriftsync/models/acme")
        #expect((body["description"]?.count ?? 0) <= 140)
        #expect(!request.text.contains("ghp-token"), "the token is a header, never the body")
    }

    @Test("a GitHub status description is cut at 140 code points, as GitHub counts, not 140 characters")
    func gitHubDescriptionCountsCodePoints() throws {
        var event = try Self.event(Self.applied)
        event.type = .failed
        // Each flag is one character of two code points; each family emoji one of seven.
        event.failure = ReconcileEvent.Failure(transientFailure(String(repeating: "🇪🇺", count: 100) + String(repeating: "👨‍👩‍👧‍👦", count: 20)))
        let sink = GitHubStatusSink(apiURL: "https://api.github.com", repository: try #require(.init("acme/models")), token: "t", path: "models")
        let request = try #require(try sink.request(for: event))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        let description = try #require(body["description"])
        #expect(description.unicodeScalars.count <= 140, "\(description.unicodeScalars.count) code points")
        #expect(description.hasSuffix("…"))
    }

    @Test func gitHubSetsNoStatusForWarningsDriftDryRunsOrAMissingCommit() throws {
        let sink = GitHubStatusSink(apiURL: "https://api.github.com", repository: try #require(.init("acme/models")), token: "t", path: "models")
        var event = try Self.event(Self.applied)
        for type in [EventType.warning, .driftDetected] {
            event.type = type
            #expect(try sink.request(for: event) == nil)
        }
        event.type = .applied
        event.dryRun = true
        #expect(try sink.request(for: event) == nil)
        event.dryRun = false
        event.commit = nil
        #expect(try sink.request(for: event) == nil)
    }

    @Test(arguments: [
        ("https://github.com/acme/models.git", "acme/models"),
        ("https://github.com/acme/models", "acme/models"),
        ("git@github.com:acme/models.git", "acme/models"),
        ("ssh://git@github.com/acme/models.git", "acme/models"),
        ("https://ghe.example.com/team/acme/models.git", "acme/models"),
        ("http://127.0.0.1:9418/repo.git", nil),
        ("/srv/git/models", nil),
    ] as [(String, String?)])
    func theGitHubRepositoryFromTheGitURL(_ url: String, _ expected: String?) {
        #expect(GitHubStatusSink.Repository(gitURL: url)?.description == expected)
    }

    @Test(arguments: [
        ("https://hooks.example.com/x", false, true),
        ("http://127.0.0.1:8080/x", false, true),
        ("http://localhost/x", false, true),
        ("http://hooks.example.com/x", false, false),
        ("http://hooks.example.com/x", true, true),
        ("https://user:pw@hooks.example.com/x", false, false),
        ("ftp://hooks.example.com/x", false, false),
        ("hooks.example.com/x", false, false),
    ])
    func sinkURLsArePlainHTTPOnlyToLoopback(_ url: String, _ insecure: Bool, _ accepted: Bool) {
        let checked = (try? SinkURL.check(url, flag: "--notify", allowInsecureHTTP: insecure)) != nil
        #expect(checked == accepted)
    }

    @Test("a Slack URL without its scheme is refused without its secret path in the message")
    func aURLWithoutSchemeIsNotEchoed() {
        do {
            try SinkURL.check("hooks.slack.com/services/T000/B000/XXXXSECRETXXXX", flag: "--notify-slack-file", allowInsecureHTTP: false)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "--notify-slack-file takes an http(s):// URL, not 'hooks.slack.com…'")
        }
        do {
            try SinkURL.check("alice:hunter2@hooks.example.com/x", flag: "--notify-webhook", allowInsecureHTTP: false)
            Issue.record("accepted")
        } catch {
            #expect(!error.description.contains("hunter2") && !error.description.contains("alice"), "\(error.description)")
        }
    }
}

extension DeliveryRequest {
    var text: String { String(decoding: body, as: UTF8.self) }
}
