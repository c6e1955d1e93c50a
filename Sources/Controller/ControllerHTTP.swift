import Foundation
import Hummingbird
import Logging
import NIOCore
import Notifications

/// The reconciler's HTTP endpoints: `/healthz`, `/readyz`, `/metrics`, `/status`, `POST /hooks/git`, and the
/// status page (`/`, `/models/{owner}/{name}`).
public struct ControllerHTTP: Sendable {
    /// The largest webhook body read; GitHub's push payloads stay far below it.
    public static let maxWebhookBody = 5 << 20

    let status: StatusStore
    let metrics: ControllerMetrics
    let readinessThreshold: Duration
    let webhookSecret: [UInt8]?
    let trigger: @Sendable () -> Void
    let logger: Logger
    /// The history `GET /history` reads; `nil` answers 404.
    let history: HistoryStore?
    /// The status page (`GET /`, `GET /models/{owner}/{name}`); `nil` serves none.
    let dashboard: Dashboard?
    /// How long a connection may stay open with no request in progress: a client that connects and never
    /// asks, or keeps a connection it no longer uses, does not hold it (and its memory) for ever.
    let idleTimeout: Duration
    /// How long a request may take to arrive whole, from the connection's start or the end of the answer
    /// before it: a client trickling a header or a body a byte at a time does not hold a connection for ever.
    let requestTimeout: Duration
    /// The signatures of recent deliveries (a replay starts no reconcile) and the refusals not logged yet.
    var deliveries = WebhookDeliveries()
    /// The bound on `GET /history`'s reads (shared with the status page's); tests give their own.
    var historyReads: ConcurrencyLimit = .historyReads

    /// Creates the endpoints.
    /// - Parameters:
    ///   - webhookSecret: The HMAC key of `POST /hooks/git`; `nil` leaves the hook off (404).
    ///   - trigger: Called for each correctly signed webhook (the loop coalesces them).
    ///   - history: The history `GET /history` serves; `nil` answers 404.
    ///   - dashboard: The status page; `nil` serves none.
    ///   - idleTimeout: How long a connection may stay open with no request in progress.
    ///   - requestTimeout: How long a request may take to arrive whole.
    public init(
        status: StatusStore, metrics: ControllerMetrics, readinessThreshold: Duration, webhookSecret: [UInt8]?,
        logger: Logger, trigger: @escaping @Sendable () -> Void, history: HistoryStore? = nil, dashboard: Dashboard? = nil,
        idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(30)
    ) {
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.history = history
        self.dashboard = dashboard
        self.status = status
        self.metrics = metrics
        self.readinessThreshold = readinessThreshold
        self.webhookSecret = webhookSecret
        self.trigger = trigger
        self.logger = logger
    }

    /// The routes, for an application or a test client.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: NoSniffMiddleware())
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        router.get("/readyz") { _, _ -> Response in
            let current = status.current
            if current.isReady(now: Date(), threshold: readinessThreshold) { return Self.text("ready\n") }
            return Self.text("not ready: \(current.notReadyReason)\n", status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ -> Response in
            Self.answer(ByteBuffer(string: metrics.render()), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/status") { _, _ -> Response in
            Self.answer(ByteBuffer(bytes: status.json()), type: "application/json")
        }
        router.post("/hooks/git") { request, _ -> Response in
            guard let secret = webhookSecret else {
                return Self.text("the webhook is off: start with --webhook-secret-file\n", status: .notFound)
            }
            // What can be refused from the head is refused before the body is read: a body is buffered whole (up to
            // 5 MiB) to check its signature, and nobody is authenticated yet.
            if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxWebhookBody {
                return Self.text("the body is over \(Self.maxWebhookBody) bytes\n", status: .contentTooLarge)
            }
            let signature = request.headers[.hubSignature256]
            func refuse() -> Response {
                if let refused = deliveries.refused() {
                    logger.warning("webhook refused: bad or missing signature", metadata: refused > 1 ? ["refused_since_last_line": "\(refused)"] : [:])
                }
                return Self.text("bad signature\n", status: .unauthorized)
            }
            guard WebhookSignature.isWellFormed(signature) else { return refuse() }
            let body: ByteBuffer
            do {
                body = try await ConcurrencyLimit.webhookReads.run { try await request.body.collect(upTo: Self.maxWebhookBody) }
            } catch is ConcurrencyLimit.Full {
                return Self.busy("too many deliveries at once: try again in a second\n")
            }
            guard let code = WebhookSignature.validCode(signature, body: body.readableBytesView, secret: secret) else { return refuse() }
            guard deliveries.isFirst(code) else {
                logger.debug("webhook delivery seen before: no reconcile requested")
                return Self.text("delivery already received: no reconcile requested\n", status: .ok)
            }
            // GitHub names the event: only a push can bring a commit. A ping, a check run, or the statuses
            // `--github-status` itself sets came back as triggers, each cutting a failure's backoff short.
            if let event = request.headers[.githubEvent], event != "push" {
                logger.debug("webhook event is no push: no reconcile requested", metadata: ["event": "\(event)"])
                return Self.text(event == "ping" ? "pong\n" : "\(event) events request no reconcile\n", status: .ok)
            }
            trigger()
            logger.info("webhook accepted: reconcile requested")
            return Self.text("reconcile requested\n", status: .accepted)
        }
        addHistoryRoute(to: router)
        dashboard?.addRoutes(to: router)
        return router
    }

    /// An application serving the routes on `host:port`; `onBound` gets the real port (for port 0).
    public func application(host: String, port: Int, onBound: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(limit: TimeAmount(requestTimeout))], idleTimeout: TimeAmount(idleTimeout)
            )),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "wriftsync"),
            onServerRunning: { channel in await onBound(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// A plain-text answer.
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        answer(ByteBuffer(string: text), type: "text/plain; charset=utf-8", status: status)
    }

    /// An answer of `type` that browsers must not sniff for another (`nosniff`): the text and JSON answers carry
    /// text from the repository and the API (commit subjects, failure messages), which a browser guessing at
    /// HTML would render.
    static func answer(_ body: ByteBuffer, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type, .xContentTypeOptions: "nosniff"], body: .init(byteBuffer: body))
    }
}

// HTTPField itself is not re-exported by Hummingbird; reach its name type through HTTPFields.
extension HTTPFields.Element.Name {
    /// GitHub's webhook signature header.
    public static let hubSignature256 = Self(WebhookSignature.header)!
    /// GitHub's webhook event header (`push`, `ping`, …).
    public static let githubEvent = Self("X-GitHub-Event")!
}
