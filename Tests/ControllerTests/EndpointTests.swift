@testable import Controller
import Pipeline
import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Notifications
import Synchronization
import Testing
import WriftSyncTesting

@Suite struct EndpointTests {
    static let secret = Array("hook-secret".utf8)

    static func http(_ status: StatusStore, _ metrics: ControllerMetrics, secret: [UInt8]? = EndpointTests.secret, trigger: @escaping @Sendable () -> Void = {})
        -> some ApplicationProtocol
    {
        let endpoints = ControllerHTTP(
            status: status, metrics: metrics, readinessThreshold: .zero, webhookSecret: secret, logger: testLogger, trigger: trigger
        )
        return Application(router: endpoints.router())
    }

    @Test func healthzIsAlwaysOKAndReadyzFlipsOnFailure() async throws {
        let fake = FakeReconciler { index in
            index == 0 ? .at("c1", planned: ChangeCounts(create: 1)) : .at("c2", failure: transientFailure("boom"))
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        // `/readyz` compares the status with the real time: the loop's wall time stands in the past, so a failure
        // stamped by it is already older than the zero threshold.
        let clock = TestClock(startDate: Date(timeIntervalSince1970: 1_700_000_000))
        let loop = LoopTests.loop(fake, interval: .seconds(3600), backoff: .seconds(3600), status: status, metrics: metrics, clock: clock)
        try await Self.http(status, metrics, trigger: { loop.trigger() }).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable, "no reconcile has completed yet")
            }
            try await withRunningLoop(loop) {
                try await clock.waitForSleeps(1)
                #expect(status.current.reconciles == 1)
                try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
                try await clock.nextSleep { loop.trigger() }
                #expect(status.current.reconciles == 2)
                try await client.execute(uri: "/readyz", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(decoding: response.body.readableBytesView, as: UTF8.self).contains("boom"))
                }
                try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/status", method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                    #expect(object["last_attempted_commit"] as? String == "c2")
                    #expect(object["last_applied_commit"] as? String == "c1")
                    #expect(object["last_error"] as? String == transientFailure("boom").description)
                    #expect(object["next_run_at"] is String)
                    #expect(object["last_plan"] is [String: Any])
                }
            }
        }
    }

    @Test func readinessToleratesFailuresShorterThanTheThreshold() {
        var status = ControllerStatus()
        let now = Date()
        #expect(!status.isReady(now: now, threshold: .seconds(60)))
        status.lastSuccessAt = now
        #expect(status.isReady(now: now, threshold: .seconds(60)))
        status.failingSince = now.addingTimeInterval(-30)
        #expect(status.isReady(now: now, threshold: .seconds(60)))
        #expect(!status.isReady(now: now, threshold: .seconds(10)))
    }

    @Test func metricsIsPrometheusTextAndItsCountersMove() async throws {
        let fake = FakeReconciler { _ in
            ReconcileReport(commit: "abc123", planned: ChangeCounts(create: 2, update: 1, delete: 0, smokeTest: 1), plannedModels: ["alice/a"], driftedModels: ["alice/a"])
        }
        let status = StatusStore()
        let metrics = ControllerMetrics()
        // What the WriftAI client does with the factory it is given.
        Counter(label: "wriftsync_api_requests_total", dimensions: [("method", "GET"), ("route", "/models/{owner}/{name}/versions"), ("code", "200")], factory: metrics.factory)
            .increment()
        let clock = TestClock()
        let loop = LoopTests.loop(fake, interval: .seconds(3600), status: status, metrics: metrics, clock: clock)
        try await Self.http(status, metrics).test(.router) { client in
            let before = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return try #require(prometheusSamples(String(decoding: response.body.readableBytesView, as: UTF8.self)), "parses as Prometheus text")
            }
            #expect(sample(before, "wriftsync_reconcile_total", ["result": "success"]) == 0)
            #expect(sample(before, "wriftsync_api_requests_total", ["method": "GET", "route": "/models/{owner}/{name}/versions", "code": "200"]) == 1)
            try await withRunningLoop(loop) {
                try await clock.waitForSleeps(1)
                #expect(status.current.reconciles == 1)
                try await clock.nextSleep { loop.trigger() }
                #expect(status.current.reconciles == 2)
            }
            let after = try await client.execute(uri: "/metrics", method: .get) { response in
                try #require(prometheusSamples(String(decoding: response.body.readableBytesView, as: UTF8.self)))
            }
            #expect(sample(after, "wriftsync_reconcile_total", ["result": "success"]) == 2)
            #expect(sample(after, "wriftsync_reconcile_duration_seconds_count") == 2)
            #expect(sample(after, "wriftsync_reconcile_duration_seconds_bucket", ["le": "+Inf"]) == 2)
            #expect(sample(after, "wriftsync_planned_changes", ["action": "create"]) == 2)
            #expect(sample(after, "wriftsync_planned_changes", ["action": "update"]) == 1)
            #expect(sample(after, "wriftsync_planned_changes", ["action": "delete"]) == 0)
            #expect(sample(after, "wriftsync_planned_changes", ["action": "smoke_test"]) == 1)
            #expect(sample(after, "wriftsync_drift_detected", ["model": "alice/a"]) == 1)
            #expect(sample(after, "wriftsync_last_applied_revision_info", ["commit": "abc123"]) == 1)
            #expect(after.filter { $0.name == "wriftsync_last_applied_revision_info" }.count == 1)
        }
    }

    @Test func theWebhookAcceptsAValidSignatureAndRefusesABadOne() async throws {
        let triggers = Counted()
        try await Self.http(StatusStore(), ControllerMetrics(), trigger: { triggers.add() }).test(.router) { client in
            let body = ByteBuffer(string: #"{"ref":"refs/heads/main"}"#)
            let good = WebhookSignature.sign(body.readableBytesView, secret: Self.secret)
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: good], body: body) {
                #expect($0.status == .accepted)
            }
            #expect(triggers.value == 1)
            let forged = WebhookSignature.sign(body.readableBytesView, secret: Array("guess".utf8))
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: forged], body: body) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/hooks/git", method: .post, body: body) { #expect($0.status == .unauthorized) }
            #expect(triggers.value == 1, "a bad signature triggers nothing")
        }
        try await Self.http(StatusStore(), ControllerMetrics(), secret: nil, trigger: { triggers.add() }).test(.router) { client in
            try await client.execute(uri: "/hooks/git", method: .post, body: ByteBuffer(string: "{}")) { #expect($0.status == .notFound) }
        }
        #expect(triggers.value == 1)
    }

    /// GitHub signs a delivery's body, never a time: a captured delivery replayed in a loop made the loop fetch
    /// (and retry a failing reconcile) as fast as it came. One seen before is answered and starts nothing.
    @Test func aReplayedDeliveryStartsNoReconcile() async throws {
        let triggers = Counted()
        try await Self.http(StatusStore(), ControllerMetrics(), trigger: { triggers.add() }).test(.router) { client in
            func deliver(_ text: String) async throws -> HTTPResponse.Status {
                let body = ByteBuffer(string: text)
                let signature = WebhookSignature.sign(body.readableBytesView, secret: Self.secret)
                return try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: signature], body: body) { $0.status }
            }
            let first = try await deliver(#"{"after":"c1"}"#)
            #expect(first == .accepted)
            for _ in 0..<20 {
                let replay = try await deliver(#"{"after":"c1"}"#)
                #expect(replay == .ok)
            }
            #expect(triggers.value == 1, "20 replays requested no reconcile")
            let other = try await deliver(#"{"after":"c2"}"#)
            #expect(other == .accepted, "another delivery does")
            #expect(triggers.value == 2)
        }
    }

    /// The signatures remembered are the last `remembered` accepted: the oldest is forgotten first, and memory
    /// stays bounded whatever is sent.
    @Test func deliveriesRememberTheLastThousandTwentyFourSignatures() {
        let deliveries = WebhookDeliveries()
        let signature = { (index: Int) in withUnsafeBytes(of: index.littleEndian) { Array($0) } + Array(repeating: UInt8(0), count: 24) }
        for index in 0..<WebhookDeliveries.remembered {
            #expect(deliveries.isFirst(signature(index)))
        }
        #expect(!deliveries.isFirst(signature(0)), "all of them remembered")
        #expect(deliveries.isFirst(signature(WebhookDeliveries.remembered)), "one more, and the oldest goes")
        #expect(deliveries.isFirst(signature(0)), "forgotten: taken as new")
        #expect(!deliveries.isFirst(signature(2)) && !deliveries.isFirst(signature(WebhookDeliveries.remembered)))
    }

    /// Anyone can post a forged delivery; each wrote a warning line. One line at once, then at most one a minute
    /// saying how many were refused since.
    @Test func forgedDeliveriesWriteOneLogLineAMinute() async throws {
        let log = LogCapture()
        let instant = Mutex(ContinuousClock.now)
        var endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: Self.secret, logger: log.logger, trigger: {}
        )
        endpoints.deliveries = WebhookDeliveries(now: { instant.withLock { $0 } })
        try await Application(router: endpoints.router()).test(.router) { client in
            func forge() async throws {
                let body = ByteBuffer(string: "{}")
                let forged = WebhookSignature.sign(body.readableBytesView, secret: Array("guess".utf8))
                try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: forged], body: body) {
                    #expect($0.status == .unauthorized)
                }
            }
            func refusals() -> [String] { log.lines.filter { $0.contains("webhook refused") } }
            for _ in 0..<100 { try await forge() }
            #expect(refusals().count == 1, "\(refusals())")
            instant.withLock { $0 = $0.advanced(by: .seconds(59)) }
            try await forge()
            #expect(refusals().count == 1)
            instant.withLock { $0 = $0.advanced(by: .seconds(2)) }
            try await forge()
            #expect(refusals().count == 2)
            #expect(refusals().last?.contains("refused_since_last_line=101") == true, "\(refusals())")
        }
    }

    @Test func tenQuickWebhooksCoalesceIntoAtMostTwoReconciles() async throws {
        // Each reconcile takes two seconds of `work` time: it stays in flight until the test advances it.
        let work = TestClock()
        let fake = FakeReconciler(duration: .seconds(2), on: work)
        let status = StatusStore()
        let metrics = ControllerMetrics()
        let clock = TestClock()
        // A long interval: after the first run, only the webhook brings reconciles.
        let loop = LoopTests.loop(fake, interval: .seconds(3600), status: status, metrics: metrics, clock: clock)
        try await Self.http(status, metrics, trigger: { loop.trigger() }).test(.router) { client in
            try await withRunningLoop(loop) {
                try await work.waitForSleepers(1)
                work.advance(by: .seconds(2))
                try await clock.waitForSleeps(1)
                #expect(status.current.reconciles == 1)
                // Ten deliveries (each its own body: a replay starts nothing), sent all at once; the reconcile the
                // first one starts stays in flight until all are answered, so the burst lands within one run (and
                // the next, for those that came after it started).
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<10 {
                        let body = ByteBuffer(string: #"{"delivery":\#(index)}"#)
                        let signature = WebhookSignature.sign(body.readableBytesView, secret: Self.secret)
                        group.addTask {
                            try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: signature], body: body) {
                                #expect($0.status == .accepted)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                // From now on a reconcile takes no time; the loop's next wait comes once every pending run is done.
                work.advancesOnSleep = true
                work.advanceToNextDeadline()
                try await clock.waitForSleeps(2)
                #expect(status.current.reconciles >= 2)
                #expect(fake.inFlight == 0 && status.current.reconciles == fake.finished)
                #expect(fake.inFlight == 0)
            }
            let webhookRuns = fake.requests.count - 1
            #expect(webhookRuns >= 1 && webhookRuns <= 2, "10 webhooks made \(webhookRuns) reconciles")
        }
    }
}

extension EndpointTests {
    /// Every route (method, URI, whether the webhook is signed) and an answer of each kind it gives: the status
    /// expected.
    static let routes: [(HTTPRequest.Method, String, Bool, HTTPResponse.Status)] = [
        (.get, "/healthz", false, .ok),
        (.get, "/readyz", false, .serviceUnavailable),
        (.get, "/metrics", false, .ok),
        (.get, "/status", false, .ok),
        (.get, "/history", false, .ok),
        (.get, "/history?limit=0", false, .badRequest),
        (.post, "/hooks/git", true, .accepted),
        (.post, "/hooks/git", false, .unauthorized),
        (.get, "/", false, .ok),
        (.get, "/models/acme/a", false, .ok),
        (.get, "/models/acme/none", false, .notFound),
        // Hummingbird's own answers: no route, and no such method on a route.
        (.get, "/no-such-page", false, .notFound),
        (.delete, "/status", false, .notFound),
    ]

    /// Every answer says `X-Content-Type-Options: nosniff`: the text and JSON carry commit subjects and failure
    /// messages, which a browser guessing at the type could take for HTML.
    @Test(arguments: routes)
    func everyAnswerForbidsSniffingItsType(_ method: HTTPRequest.Method, _ uri: String, _ signed: Bool, _ expected: HTTPResponse.Status) async throws {
        let status = StatusStore()
        status.update { $0.models["acme/a"] = .init(drifted: false, warnings: []) }
        // A history never written: its reads find nothing.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-none-\(UUID().uuidString.prefix(8))").path
        let endpoints = ControllerHTTP(
            status: status, metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: Self.secret, logger: testLogger, trigger: {},
            history: HistoryStore(configuration: .init(directory: directory)),
            dashboard: Dashboard(status: status, usage: APIUsage(), history: RecentReconciles(), configuration: DashboardConfiguration(repository: "r"))
        )
        let body = ByteBuffer(string: "{}")
        let headers: HTTPFields = signed ? [.hubSignature256: WebhookSignature.sign(body.readableBytesView, secret: Self.secret)] : [:]
        try await Application(router: endpoints.router()).test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers, body: method == .post ? body : nil) { response in
                #expect(response.status == expected)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    /// A webhook body over its limit is refused by Hummingbird's own 413, and that answer says `nosniff` too.
    @Test func anOversizedWebhookIsRefusedWithoutSniffing() async throws {
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: Self.secret, logger: testLogger,
            trigger: { Issue.record("an oversized webhook requested a reconcile") }
        )
        let body = ByteBuffer(repeating: UInt8(ascii: " "), count: ControllerHTTP.maxWebhookBody + 1)
        // A signature of the right shape: the body is read (and found too large) before it can be checked.
        let shaped = "sha256=" + String(repeating: "ab", count: 32)
        try await Application(router: endpoints.router()).test(.router) { client in
            try await client.execute(uri: "/hooks/git", method: .post, headers: [.hubSignature256: shaped], body: body) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    /// A body is buffered whole, up to 5 MiB, before its signature can be checked, for senders nobody has
    /// authenticated: what the head already tells is refused before anything is read.
    @Test func aDeliveryRefusedByItsHeadIsRefusedBeforeItsBodyIsRead() async throws {
        let endpoints = ControllerHTTP(
            status: StatusStore(), metrics: ControllerMetrics(), readinessThreshold: .zero, webhookSecret: Self.secret, logger: testLogger,
            trigger: { Issue.record("a refused delivery requested a reconcile") }
        )
        let body = ByteBuffer(string: "{}")
        let shaped = "sha256=" + String(repeating: "ab", count: 32)
        try await Application(router: endpoints.router()).test(.router) { client in
            for signature in [nil, "sha1=" + String(repeating: "ab", count: 20), "sha256=zz", "sha256=" + String(repeating: "ab", count: 31)] as [String?] {
                var headers = HTTPFields()
                if let signature { headers[.hubSignature256] = signature }
                try await client.execute(uri: "/hooks/git", method: .post, headers: headers, body: body) { #expect($0.status == .unauthorized) }
            }
        }
        #expect(WebhookSignature.isWellFormed(shaped) && !WebhookSignature.isWellFormed("sha256=" + String(repeating: "AB", count: 31)))
    }

    /// Only a push can bring a commit: a ping, a check run, or a commit status (`--github-status` sets them, and a
    /// hook sending every event delivers them back) requested a reconcile each, cutting a failure's backoff short.
    @Test(arguments: [("push", HTTPResponse.Status.accepted, 1), ("ping", .ok, 0), ("status", .ok, 0), ("check_run", .ok, 0), (nil, .accepted, 1)] as [(String?, HTTPResponse.Status, Int)])
    func onlyAPushRequestsAReconcile(_ event: String?, _ answer: HTTPResponse.Status, _ reconciles: Int) async throws {
        let triggers = Counted()
        try await Self.http(StatusStore(), ControllerMetrics(), trigger: { triggers.add() }).test(.router) { client in
            let body = ByteBuffer(string: #"{"zen":"\#(event ?? "none")"}"#)
            var headers: HTTPFields = [.hubSignature256: WebhookSignature.sign(body.readableBytesView, secret: Self.secret)]
            if let event { headers[.githubEvent] = event }
            try await client.execute(uri: "/hooks/git", method: .post, headers: headers, body: body) { #expect($0.status == answer) }
        }
        #expect(triggers.value == reconciles)
    }
}

/// A counter safe to bump from any task.
final class Counted: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
