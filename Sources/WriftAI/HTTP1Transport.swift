import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTP/1.1 connections of one client to its one API origin: kept alive, reused, all on one event loop.
///
/// Why not AsyncHTTPClient: the API needs one origin, no redirects, whole answers up to a limit and one
/// deadline over each exchange. AsyncHTTPClient's general path for that (a request bag, the pool's state
/// machines, a task with its logger per request) was most of the event loop's work between an answer and
/// the next request in `perf record` of an apply at 20 ms; this does the exchange and nothing else.
///
/// At most `maxConnections` connections are open at once. A request that finds them all busy waits in
/// line, ready for the wire, and goes out on the first connection whose answer is complete, in the same
/// step that reads that answer: nothing else runs between an answer and the next request (the client's
/// pacer grants that many turns ahead, see ``RequestPacer``).
///
/// Every connection, the idle list, the line and each exchange's state live on ``eventLoop`` only.
final class HTTP1Transport: Sendable {
    /// Why an exchange got no complete answer, when it is not an error of NIO or NIOSSL themselves.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// No connection within the connect timeout.
        case connectTimeout
        /// The exchange's deadline came before the whole answer.
        case deadlineExceeded
        /// The exchange's timeout, counted from the moment it had a connection, passed before the whole answer.
        case timedOut
        /// The caller gave up.
        case cancelled
        /// The transport was shut down.
        case shutDown
        /// The server closed the connection before the answer was complete.
        case closedBeforeAnswer

        var description: String {
            switch self {
            case .connectTimeout: "no connection within the connect timeout"
            case .deadlineExceeded: "no complete answer by the deadline"
            case .timedOut: "no complete answer within the timeout"
            case .cancelled: "cancelled"
            case .shutDown: "the client was shut down"
            case .closedBeforeAnswer: "the server closed the connection before the answer was complete"
            }
        }
    }

    /// One request, ready for the wire.
    struct Request: Sendable {
        var method: HTTPMethod
        /// The path and query, percent-encoded, as sent on the request line.
        var uri: String
        var headers: HTTPHeaders
        var body: ByteBuffer?
    }

    /// The loop every connection of this transport runs on.
    let eventLoop: any EventLoop
    private let host: String
    private let port: Int
    /// The address itself when the host is an IP literal: nothing to resolve.
    private let literalAddress: SocketAddress?
    /// The `Host` header: the host, bracketed if an IPv6 literal, and the port unless the scheme's default.
    private let authority: String
    private let tls: NIOSSLContext?
    /// The name the certificate is checked against (and sent as SNI); `nil` for an IP literal, as
    /// AsyncHTTPClient does.
    private let serverHostname: String?
    private let connectTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// The most connections open (or being opened) at once.
    private let maxConnections: Int
    private let loopPool: Pool

    /// The connections not in use, most recently used last, the requests waiting for one, and whether the
    /// transport is shut down: touched on the loop only (`pool` checks it), which is what makes it safe to
    /// share.
    private final class Pool: @unchecked Sendable {
        var idle: [HTTP1Connection] = []
        var isShutDown = false
        /// Connections open or being opened, idle or not.
        var open = 0
        /// Requests waiting for a connection, first come first served.
        var waiting = CircularBuffer<Waiting>()
    }

    /// A request that found every connection busy.
    private struct Waiting {
        let exchange: HTTP1Exchange
        let request: Request
        /// The exchange's limit once sent (see ``execute(_:limit:timeout:deadline:)``).
        let timeout: TimeAmount?
        let deadline: NIODeadline
    }

    /// Creates a transport for `host` and `port`; `tls` given, every connection is HTTPS.
    ///
    /// - Parameter idleTimeout: How long an unused connection is kept. Shorter than the 5 s keep-alive of
    ///   common API servers (uvicorn's default), so that a request is rarely sent on a connection the
    ///   server is closing at that moment.
    /// - Parameter maxConnections: The most connections open at once; further requests wait for one.
    init(
        host: String, port: Int, tls: NIOSSLContext?, connectTimeout: TimeAmount, idleTimeout: TimeAmount = .seconds(4),
        maxConnections: Int = .max, eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) {
        self.eventLoop = eventLoop
        self.host = host
        self.port = port
        self.tls = tls
        self.literalAddress = try? SocketAddress(ipAddress: host, port: port)
        self.serverHostname = literalAddress == nil ? host : nil
        let bracketed = host.contains(":") ? "[\(host)]" : host
        self.authority = port == (tls == nil ? 80 : 443) ? bracketed : "\(bracketed):\(port)"
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = max(1, maxConnections)
        self.loopPool = Pool()
    }

    private var pool: Pool {
        eventLoop.assertInEventLoop()
        return loopPool
    }

    /// Sends `request` on an idle connection or a new one, or once one is free when every connection is
    /// busy, and collects its whole answer, refusing one larger than `limit` bytes; all of it — waiting for a
    /// connection, connecting, sending, every byte of the answer — by `deadline`, and everything from the
    /// moment it has a connection within `timeout` (time spent waiting for a busy connection is not the
    /// server's).
    ///
    /// The answer fails with a ``Failure``, ``RawAnswer/TooLarge``, or the error NIO or NIOSSL reported.
    func execute(_ request: Request, limit: Int, timeout: TimeAmount? = nil, deadline: NIODeadline) -> HTTP1Exchange {
        let exchange = HTTP1Exchange(eventLoop: eventLoop, limit: limit)
        var withHost = request
        withHost.headers.replaceOrAdd(name: "Host", value: authority)
        let request = withHost
        if eventLoop.inEventLoop {
            start(exchange, request, timeout: timeout, deadline: deadline)
        } else {
            eventLoop.execute { self.start(exchange, request, timeout: timeout, deadline: deadline) }
        }
        return exchange
    }

    private func start(_ exchange: HTTP1Exchange, _ request: Request, timeout: TimeAmount?, deadline: NIODeadline) {
        let pool = self.pool
        guard !pool.isShutDown else { return exchange.fail(Failure.shutDown) }
        while let connection = pool.idle.popLast() {
            guard connection.isUsable else { continue }
            Self.arm(exchange, timeout: timeout, deadline: deadline)
            return connection.send(request, exchange)
        }
        guard pool.open < maxConnections else {
            exchange.setDeadline(deadline)
            pool.waiting.append(Waiting(exchange: exchange, request: request, timeout: timeout, deadline: deadline))
            return
        }
        let limit = Self.arm(exchange, timeout: timeout, deadline: deadline)
        connect(within: min(connectTimeout, limit.at - .now())).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection):
                connection.send(request, exchange)
            case .failure(let error):
                // A connect cut short by the exchange's deadline (or timeout) is that limit's failure.
                if case ChannelError.connectTimeout = error, limit.at - .now() < self.connectTimeout {
                    exchange.fail(limit.failure)
                } else {
                    exchange.fail(error)
                }
            }
        }
    }

    /// Opens one connection ahead of the first request and keeps it idle, so that the first request does
    /// not wait for the connection (nor for the first use of the channel's machinery). A failure is left
    /// for that request to meet and report.
    func preconnect() {
        eventLoop.execute {
            guard !self.pool.isShutDown else { return }
            self.connect(within: self.connectTimeout).assumeIsolated().whenSuccess { connection in
                self.release(connection)
            }
        }
    }

    /// Opens connections, kept idle, until `count` are open or being opened: the requests about to go out
    /// together then each find one ready. Failures are left for those requests to meet.
    func prepareConnections(_ count: Int) {
        let prepare: @Sendable () -> Void = {
            let pool = self.pool
            while !pool.isShutDown && pool.open < count {
                self.connect(within: self.connectTimeout).assumeIsolated().whenSuccess { connection in
                    self.release(connection)
                }
            }
        }
        if eventLoop.inEventLoop { prepare() } else { eventLoop.execute(prepare) }
    }

    /// How many connections are open or being opened.
    func openCount() async -> Int {
        (try? await eventLoop.submit { self.pool.open }.get()) ?? 0
    }

    /// A new connection, its handlers in place (with TLS, the handshake starts at once). On the loop.
    private func connect(within timeout: TimeAmount) -> EventLoopFuture<HTTP1Connection> {
        let connection = HTTP1Connection(transport: self)
        pool.open += 1
        let handler = NIOLoopBound(connection, eventLoop: eventLoop)
        let tls = self.tls
        let serverHostname = self.serverHostname
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(max(timeout, .nanoseconds(1)))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
        // A literal needs no resolver (whose first use loads the system's name service modules).
        let connected = literalAddress.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: host, port: port)
        connected.whenFailure { _ in
            self.forget(handler.value)
            self.connectionClosed()
        }
        return connected.map { _ in handler.value }
    }

    /// Sets when an exchange sent now must be complete, and how it fails if not: by its timeout from now, or
    /// by its deadline if that comes first.
    @discardableResult
    private static func arm(_ exchange: HTTP1Exchange, timeout: TimeAmount?, deadline: NIODeadline) -> (at: NIODeadline, failure: Failure) {
        let limit: (at: NIODeadline, failure: Failure)
        if let timeout, .now() + timeout < deadline {
            limit = (.now() + timeout, .timedOut)
        } else {
            limit = (deadline, .deadlineExceeded)
        }
        exchange.setDeadline(limit.at, failure: limit.failure)
        return limit
    }

    /// Takes back a connection whose answer is complete: the first request waiting gets it at once, else it
    /// waits for the next request; closes it once shut down.
    func release(_ connection: HTTP1Connection) {
        let pool = self.pool
        guard !pool.isShutDown else { return connection.close() }
        while let next = pool.waiting.popFirst() {
            // Ended while waiting (its deadline, or cancelled): nothing to send.
            guard !next.exchange.isFinished else { continue }
            Self.arm(next.exchange, timeout: next.timeout, deadline: next.deadline)
            return connection.send(next.request, next.exchange)
        }
        pool.idle.append(connection)
        connection.closeWhenIdle(for: idleTimeout)
    }

    /// Forgets a connection that closed (or never opened); once per connection, however often told.
    func forget(_ connection: HTTP1Connection) {
        let pool = self.pool
        pool.idle.removeAll { $0 === connection }
        if connection.isCounted {
            connection.isCounted = false
            pool.open -= 1
        }
    }

    /// A connection closed (or could not be made): requests waiting for one get a new one in its place. A
    /// connection that cannot be made fails the request first in line (and the next one in line tries
    /// again), so that a server refusing connections fails the line one request at a time instead of
    /// holding it.
    func connectionClosed() {
        let pool = self.pool
        while let first = pool.waiting.first, first.exchange.isFinished { pool.waiting.removeFirst() }
        guard !pool.isShutDown, !pool.waiting.isEmpty, pool.open < maxConnections else { return }
        connect(within: connectTimeout).assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection):
                self.release(connection)
            case .failure(let error):
                // The failed connect has already asked for the next one (see `connect`).
                let pool = self.pool
                while let first = pool.waiting.popFirst() {
                    guard !first.exchange.isFinished else { continue }
                    first.exchange.fail(error)
                    break
                }
            }
        }
    }

    /// How many connections are idle, ready for the next request.
    func idleCount() async -> Int {
        (try? await eventLoop.submit { self.pool.idle.count }.get()) ?? 0
    }

    /// Closes every idle connection and refuses new exchanges; exchanges under way finish, then close.
    func shutdown() async {
        try? await eventLoop.submit {
            let pool = self.pool
            pool.isShutDown = true
            let idle = pool.idle
            pool.idle = []
            for connection in idle { connection.close() }
            while let waiting = pool.waiting.popFirst() { waiting.exchange.fail(Failure.shutDown) }
        }.get()
    }
}
