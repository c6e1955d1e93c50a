@testable import Controller
import Foundation
import GitSource
import Hummingbird
import HummingbirdTesting
import Metrics
import Pipeline
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The status page in process: the HTML builder, the API usage record and chart, the recent history, and
/// the pages served by the router over the real pipeline, a git repository on disk and the emulator.
/// DashboardBrowserTests (EndToEndTests) load the same pages in headless Chromium from `wriftsync run`.
@Suite struct DashboardTests {
    typealias Reconciler = ReconcilerTests

    // MARK: - The HTML builder

    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        (#"" onmouseover="x"#, "&quot; onmouseover=&quot;x"),
        ("it's", "it&#39;s"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("bell\u{7}escape\u{1B}[31m", "bell\u{FFFD}escape\u{FFFD}[31m"),
        ("café ✓", "café ✓"),
    ])
    func interpolatedTextIsEscapedAndLiteralMarkupIsNot(_ text: String, _ escaped: String) {
        let html: HTML = "<td title=\"\(text)\">\(text)</td>"
        #expect(html.rendered == "<td title=\"\(escaped)\">\(escaped)</td>")
        let nested: HTML = "<tr>\(html)</tr>"
        #expect(nested.rendered == "<tr><td title=\"\(escaped)\">\(escaped)</td></tr>", "HTML inside HTML is not escaped twice")
        #expect(HTML("\(7)").rendered == "7")
    }

    @Test(arguments: [
        ("acme/sentiment", "/models/acme/sentiment"),
        ("a b/c?d#e", "/models/a%20b/c%3Fd%23e"),
        ("x/../../etc", "/models/x/../../etc"),
        ("//evil.example/x", "/models///evil.example/x"),
        ("ünï/cödé", "/models/%C3%BCn%C3%AF/c%C3%B6d%C3%A9"),
    ])
    func modelLinksArePathsOnThisServer(_ model: String, _ link: String) {
        #expect(Dashboard.link(model) == link)
    }

    // MARK: - API usage

    /// A clock tests move by hand.
    final class ManualClock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test(arguments: [
        ("200", APIUsage.Outcome.success), ("204", .success), ("404", .clientError), ("422", .clientError),
        ("429", .rateLimited), ("500", .serverError), ("503", .serverError), ("timeout", .noAnswer), ("error", .noAnswer),
    ])
    func codesMapToOutcomes(_ code: String, _ outcome: APIUsage.Outcome) {
        #expect(APIUsage.Outcome(code: code) == outcome)
    }

    @Test func theUsageKeepsSixtyMinutesByOutcomeAndForgetsOlderOnes() {
        let clock = ManualClock()
        let usage = APIUsage(now: { clock.now })
        usage.record(.success, count: 3)
        usage.record(.rateLimited)
        clock.advance(60)
        usage.record(.serverError, count: 2)
        var hour = usage.lastHour()
        #expect(hour.count == 60)
        #expect(hour[58][.success] == 3 && hour[58][.rateLimited] == 1 && hour[58].total == 4)
        #expect(hour[59][.serverError] == 2 && hour[59].total == 2)
        #expect(hour[0..<58].allSatisfy { $0.total == 0 })
        #expect(hour[59].start.timeIntervalSince(hour[58].start) == 60)

        // 59 minutes on, the first minute is the oldest kept; one more and it is gone, its bucket reused.
        clock.advance(58 * 60)
        hour = usage.lastHour()
        #expect(hour[0][.success] == 3 && hour[1][.serverError] == 2)
        clock.advance(60)
        usage.record(.clientError)
        hour = usage.lastHour()
        #expect(hour.reduce(0) { $0 + $1[.success] } == 0, "older than an hour: forgotten")
        #expect(hour[0][.serverError] == 2 && hour[59][.clientError] == 1 && hour[59].total == 1)
    }

    @Test func theClientsRequestCounterFeedsTheUsageAndMetricsAlike() throws {
        let metrics = ControllerMetrics()
        for (code, times) in [("200", 3), ("429", 2), ("503", 1), ("timeout", 1)] {
            for _ in 0..<times {
                Counter(label: "wriftsync_api_requests_total", dimensions: [("method", "GET"), ("route", "/models/{owner}/{name}/versions"), ("code", code)], factory: metrics.factory)
                    .increment()
            }
        }
        // Other counters pass through untouched.
        Counter(label: "something_else_total", dimensions: [("code", "200")], factory: metrics.factory).increment()
        let now = metrics.apiUsage.lastHour().last!
        #expect(now[.success] == 3 && now[.rateLimited] == 2 && now[.serverError] == 1 && now[.noAnswer] == 1 && now.total == 7)
        let samples = try #require(prometheusSamples(metrics.render()))
        #expect(sample(samples, "wriftsync_api_requests_total", ["method": "GET", "route": "/models/{owner}/{name}/versions", "code": "429"]) == 2)
        #expect(sample(samples, "something_else_total", ["code": "200"]) == 1)
    }

    @Test func theChartStacksEachMinuteAndDrawsTheRateLimit() {
        let clock = ManualClock()
        let usage = APIUsage(now: { clock.now })
        usage.record(.success, count: 40)
        usage.record(.rateLimited, count: 5)
        clock.advance(120)
        usage.record(.success, count: 10)
        let chart = APIUsageChart(minutes: usage.lastHour(), limitPerMinute: 180)
        let svg = chart.svg.rendered
        #expect(svg.components(separatedBy: "<rect class=\"bar o-2xx\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "<rect class=\"bar o-429\"").count - 1 == 1)
        #expect(svg.contains("<line class=\"limit\"") && svg.contains("rate limit 180/min"))
        #expect(chart.scaleTop.value == 200 && !chart.scaleTop.limitAboveScale)
        #expect(chart.summary == "55 requests in the last hour: 50 2xx, 5 429; rate limit 180 requests/min")
        #expect(chart.table.rendered.contains("<td class=\"num\">40</td>"))

        // A limit far above the traffic is drawn at the top, said to be above the scale.
        let far = APIUsageChart(minutes: usage.lastHour(), limitPerMinute: 60_000)
        #expect(far.scaleTop.limitAboveScale && far.scaleTop.value == 100)
        #expect(far.svg.rendered.contains("rate limit 60000/min (above the scale)"))
        // An idle hour still draws the axes and says so.
        let idle = APIUsageChart(minutes: APIUsage(now: { clock.now }).lastHour(), limitPerMinute: 180)
        #expect(!idle.svg.rendered.contains("<rect") && idle.table.rendered.contains("No API request"))
    }

    // MARK: - The recent history

    @Test func recentReconcilesCountARepeatedFailureOnceAndStayBounded() {
        let ring = RecentReconciles(capacity: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let failure = HistoryEntry(time: start, kind: .failed, trigger: "start", commit: "c1", models: ["alice/a"], message: "boom")
        for offset in 0..<5 {
            var again = failure
            again.time = start.addingTimeInterval(Double(offset))
            ring.append(again)
        }
        var read = ring.records(model: nil, limit: 10)
        #expect(read.count == 1 && read[0].repeated == 5 && read[0].time == start.addingTimeInterval(4))
        ring.append(HistoryEntry(time: start, kind: .upToDate, trigger: "full reconcile", commit: "c1"))
        #expect(ring.records(model: nil, limit: 10).count == 1, "nothing to change at a recorded commit adds nothing")
        ring.append(HistoryEntry(time: start, kind: .applied, trigger: "new commit", commit: "c2", models: ["alice/b"]))
        ring.append(HistoryEntry(time: start, kind: .upToDate, trigger: "new commit", commit: "c3"))
        ring.append(HistoryEntry(time: start, kind: .driftCorrected, trigger: "full reconcile", commit: "c3", models: ["alice/a"]))
        read = ring.records(model: nil, limit: 10)
        #expect(read.map(\.commit) == ["c3", "c3", "c2"], "newest first, at most the capacity")
        #expect(ring.records(model: "alice/a", limit: 10).map(\.kind) == [.driftCorrected])
        #expect(ring.records(model: nil, limit: 1).count == 1)
    }

    // MARK: - The pages, over the real pipeline

    /// The controller `run` builds over `repository` and `emulator`, its loop waiting on `clock`, and a client
    /// of its HTTP routes. The page tells times relative to the real time: give the clock a `startDate` of now.
    static func withDashboard(
        _ repository: GitRepositoryOnDisk, _ emulator: RunningEmulator, dryRun: Bool = false,
        driftInterval: Duration = .seconds(3600), clock: TestClock,
        _ body: @escaping @Sendable (WriftSyncController, any TestClientProtocol) async throws -> Void
    ) async throws {
        let configuration = WriftAIClient.Configuration(
            server: .init(baseURL: emulator.baseURL), token: AccessToken(Reconciler.token),
            retry: RetryPolicy(maxRetries: 0, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10)),
            pacing: .init(requestsPerSecond: 3, maxRequestsPerSecond: 3)
        )
        let metrics = ControllerMetrics()
        try await WriftAIClient.withClient(configuration: configuration, logger: testLogger, metricsFactory: metrics.factory) { client in
            let controller = buildController(
                pipeline: try Reconciler.pipeline(repository, emulator), client: client,
                configuration: ControllerConfiguration(
                    schedule: Schedule(interval: .milliseconds(100), jitter: 0, driftInterval: driftInterval, initialBackoff: .milliseconds(50)),
                    dryRun: dryRun
                ),
                metrics: metrics, logger: testLogger, clock: .test(clock)
            )
            let http = ControllerHTTP(
                status: controller.status, metrics: metrics, readinessThreshold: .seconds(60), webhookSecret: nil, logger: testLogger,
                trigger: {}, dashboard: controller.dashboard
            )
            try await Application(router: http.router()).test(.router) { client in
                try await body(controller, client)
            }
        }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        try await client.execute(uri: uri, method: .get) { response in
            (response.status, response.headers, String(decoding: response.body.readableBytesView, as: UTF8.self))
        }
    }

    @Test func theRowsMatchStatusInSyncThenDriftedAfterAnOutOfBandDelete() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: [
            "models/a.yaml": Reconciler.declaration("alice/a", [1, 2]),
            "models/b.yaml": Reconciler.declaration("alice/b", [3]),
        ])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Reconciler.emulator(["alice/a", "alice/b"]), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock(startDate: Date())
            try await Self.withDashboard(repository, emulator, driftInterval: .milliseconds(300), clock: clock) { controller, client in
                // Each time the loop runs, its first reconcile is over when it first waits.
                try await withRunningLoop(controller.loop) {
                    try await clock.waitForSleeps(1)
                    #expect(controller.status.current.models.values.allSatisfy { $0.state == .inSync } && controller.status.current.models.count == 2)
                }
                // The loop is stopped: the page and /status are read at the same moment.
                var rows = try await Self.matchStatus(client)
                #expect(rows["alice/a"] == DashboardRow(state: "in_sync", declared: 2, live: 2, latest: 2))
                #expect(rows["alice/b"] == DashboardRow(state: "in_sync", declared: 1, live: 1, latest: 1))
                let page = try await Self.get(client, "/").body
                #expect(page.contains("data-overall=\"in_sync\""))
                #expect(page.contains("“initial”") && page.contains("by Test"), "the last applied commit's subject and author")
                #expect(page.components(separatedBy: "data-kind=\"applied\"").count - 1 == 1, "the first apply is in the history")

                // #1 of alice/a deleted outside git: re-creating it would make it the latest, so the next full
                // reconcile holds it back and the model stays drifted.
                _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 1)
                try await withRunningLoop(controller.loop) {
                    try await clock.waitForSleeps(2)
                    #expect(controller.status.current.models["alice/a"]?.state == .drifted)
                }
                rows = try await Self.matchStatus(client)
                #expect(rows["alice/a"] == DashboardRow(state: "drifted", declared: 2, live: 1, latest: 2))
                #expect(rows["alice/b"]?.state == "in_sync")
                let drifted = try await Self.get(client, "/").body
                #expect(drifted.contains("data-overall=\"drifted\""))
                #expect(drifted.contains("out of order held"), "the warning is on the row")
            }
        }
    }

    /// Reads `/` and `/status` and checks that every row says what `/status` says; returns the rows.
    static func matchStatus(_ client: some TestClientProtocol) async throws -> [String: DashboardRow] {
        let page = try await get(client, "/")
        #expect(page.status == .ok)
        let status = try await get(client, "/status")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])
        let models = try #require(object["models"] as? [String: [String: Any]])
        let rows = DashboardRow.parse(page.body)
        #expect(Set(rows.keys) == Set(models.keys), "one row per model of /status")
        for (model, entry) in models {
            let latest = entry["latest"] as? [String: Any]
            let expected = DashboardRow(
                state: entry["state"] as? String ?? "unknown", declared: entry["declared_versions"] as? Int,
                live: entry["live_versions"] as? Int, latest: latest?["number"] as? Int
            )
            #expect(rows[model] == expected, "\(model): the page says \(String(describing: rows[model])), /status \(expected)")
        }
        return rows
    }

    @Test func hostileTextFromTheRepositoryAndTheAPIRendersAsText() async throws {
        let hostile = #"<script>document.title='pwned'</script><b>bold</b> & "quoted" <img src=x onerror=alert(1)>"#
        let repository = try await GitRepositoryOnDisk.make(files: [
            "models/a.yaml": """
                model: alice/a
                versions:
                  - container_image_digest: "\(digest(1))"
                    release_notes: '\(hostile.replacingOccurrences(of: "'", with: "''"))'
                    schemas: {prediction: {input: {type: object}, output: {type: string}}}

                """,
        ])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Reconciler.emulator(["alice/a"]), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock(startDate: Date())
            try await Self.withDashboard(repository, emulator, clock: clock) { controller, client in
                try await withRunningLoop(controller.loop) {
                    try await clock.waitForSleeps(1)
                    #expect(controller.status.current.models["alice/a"]?.state == .inSync)
                }
                for uri in ["/", "/models/alice/a"] {
                    let page = try await Self.get(client, uri)
                    #expect(page.status == .ok)
                    #expect(!page.body.contains("<script>document.title"), "\(uri): the notes never become a script")
                    #expect(!page.body.contains("<b>bold</b>") && !page.body.contains("<img"), "\(uri): nor markup")
                    #expect(page.body.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"), "\(uri)")
                    #expect(page.body.components(separatedBy: "<script>").count - 1 == 1, "\(uri): the page's own script only")
                    #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                    #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "never framed")
                    #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                }
            }
        }
    }

    @Test func aModelPageShowsDeclaredAndLiveSideBySideAndAnUnknownModelIs404() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: ["models/a.yaml": Reconciler.declaration("alice/a", [1, 2, 3])])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Reconciler.emulator(["alice/a"]), storage: storage, logger: testLogger) { emulator in
            // A dry run: nothing is created, every declared version is "not live".
            let clock = TestClock(startDate: Date())
            try await Self.withDashboard(repository, emulator, dryRun: true, clock: clock) { controller, client in
                try await withRunningLoop(controller.loop) {
                    try await clock.waitForSleeps(1)
                    #expect(controller.status.current.models["alice/a"] != nil)
                }
                let page = try await Self.get(client, "/models/alice/a")
                #expect(page.status == .ok)
                #expect(page.body.components(separatedBy: "class=\"missing\">not live</td>").count - 1 == 3)
                #expect(page.body.contains("models/a.yaml:"), "where each version is declared")
                #expect(page.body.contains("data-kind=\"drift_detected\""), "the dry run's drift is in the model's history")
                let overview = try await Self.get(client, "/").body
                #expect(overview.contains("<strong>dry run</strong>"))
                #expect(DashboardRow.parse(overview)["alice/a"] == DashboardRow(state: "drifted", declared: 3, live: 0, latest: nil))

                let missing = try await Self.get(client, "/models/alice/nothing")
                #expect(missing.status == .notFound && missing.body.contains("No model named <code>alice/nothing</code>"))
            }
        }
    }

    @Test func thePagesReferenceNothingOutsideTheServer() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: ["models/a.yaml": Reconciler.declaration("alice/a", [1])])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Reconciler.emulator(["alice/a"]), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock(startDate: Date())
            try await Self.withDashboard(repository, emulator, clock: clock) { controller, client in
                // Some API traffic and a history, so that every part of the page is drawn.
                try await withRunningLoop(controller.loop) {
                    try await clock.waitForSleeps(1)
                    #expect(controller.status.current.models["alice/a"]?.state == .inSync)
                }
                for uri in ["/", "/models/alice/a", "/models/alice/nothing"] {
                    let body = try await Self.get(client, uri).body
                    #expect(body.contains("<svg") || uri != "/", "the chart is inline")
                    #expect(ExternalReferences.find(in: body).isEmpty, "\(uri): \(ExternalReferences.find(in: body))")
                    #expect(!body.contains("://"), "\(uri): no absolute URL at all (the repository is a local path here)")
                }
            }
        }
        // The check itself finds what it looks for.
        for sample in [
            #"<script src="https://cdn.example/x.js"></script>"#, #"<link href="//fonts.example/css">"#,
            "<style>@import url(http://x.example/a.css)</style>", "<img src='http://10.0.0.1/a.png'>",
            "<script>fetch('https://x.example/')</script>", #"<svg xmlns="http://www.w3.org/2000/svg">"#,
        ] {
            #expect(!ExternalReferences.find(in: sample).isEmpty, "\(sample)")
        }
        #expect(ExternalReferences.find(in: #"<a href="/status">x</a><a href="http://127.0.0.1:9090/">y</a><link rel="icon" href="data:,">"#).isEmpty)
    }
}

/// References a page makes to anything but its own server: in `src`, `href`, `action`, `srcset`, `xmlns`,
/// CSS `url(…)` and `@import`, and script `fetch(…)`/`import`. Loopback and relative ones are allowed.
enum ExternalReferences {
    static func find(in html: String) -> [String] {
        var found: [String] = []
        let patterns: [Regex<(Substring, Substring)>] = [
            #/(?i)\b(?:src|href|action|srcset|xmlns(?::\w+)?|poster|data|formaction)\s*=\s*["']?([^"'\s>]+)/#,
            #/(?i)url\(\s*["']?([^"')\s]+)/#,
            #/(?i)@import\s+["']([^"']+)/#,
            #/(?i)\b(?:fetch|import)\(\s*["']([^"']+)/#,
        ]
        for pattern in patterns {
            for match in html.matches(of: pattern) {
                let target = String(match.output.1)
                if !isLocal(target) { found.append(target) }
            }
        }
        return found
    }

    /// Relative to this server, a fragment, inline data, or loopback.
    static func isLocal(_ target: String) -> Bool {
        if target.hasPrefix("//") { return false }
        if target.hasPrefix("/") || target.hasPrefix("#") || target.hasPrefix("data:") { return true }
        guard let url = URL(string: target), let scheme = url.scheme else { return !target.contains(":") }
        guard ["http", "https", "ws", "wss"].contains(scheme.lowercased()), let host = url.host else { return false }
        return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]"
    }
}
