import NIOCore
import NIOHTTP1

/// One kept-alive connection of an ``HTTP1Transport``: the last handler of its channel, running one exchange
/// at a time and collecting its answer, refusing one larger than the exchange's limit as soon as it says so
/// (its `Content-Length`) or grows past it. Used on its channel's event loop only.
final class HTTP1Connection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let transport: HTTP1Transport
    private var context: ChannelHandlerContext?
    private var current: HTTP1Exchange?
    private var status = 0
    private var headers: [(name: String, value: String)] = []
    private var body: ByteBuffer?
    private var keepAlive = true
    private var isClosed = false
    private var idleClose: Scheduled<Void>?
    /// Whether the transport still counts it among its open connections.
    var isCounted = true

    init(transport: HTTP1Transport) {
        self.transport = transport
    }

    /// Whether a request may be sent on it: open, and not closing.
    var isUsable: Bool {
        !isClosed && context?.channel.isActive == true
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Sends `request` and runs `exchange` until its answer is complete.
    func send(_ request: HTTP1Transport.Request, _ exchange: HTTP1Exchange) {
        idleClose?.cancel()
        idleClose = nil
        guard let context, isUsable else {
            return exchange.fail(HTTP1Transport.Failure.closedBeforeAnswer)
        }
        // Ended while the connection was being made (its deadline, or cancelled): keep the connection.
        guard exchange.attach(self) else { return transport.release(self) }
        current = exchange
        status = 0
        headers = []
        body = nil
        keepAlive = true
        let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: request.headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange = current else {
            // Nothing was asked: whatever this is, the connection cannot be trusted with the next request.
            return close()
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let announced = head.headers.first(name: "content-length").flatMap({ Int($0) }), announced > exchange.limit {
                return failCurrent(RawAnswer.TooLarge(limit: exchange.limit, announced: announced))
            }
            status = Int(head.status.code)
            headers = head.headers.map { (name: $0.name.lowercased(), value: $0.value) }
            keepAlive = head.isKeepAlive
        case .body(let buffer):
            guard (body?.readableBytes ?? 0) + buffer.readableBytes <= exchange.limit else {
                return failCurrent(RawAnswer.TooLarge(limit: exchange.limit, announced: nil))
            }
            if body == nil {
                body = buffer
            } else {
                body!.writeImmutableBuffer(buffer)
            }
        case .end:
            current = nil
            let answer = RawAnswer(status: status, headers: headers, body: body.map { Array($0.readableBytesView) } ?? [])
            body = nil
            // Back in the pool before the caller resumes, so that the next request can have it.
            if keepAlive { transport.release(self) } else { close() }
            exchange.succeed(answer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        idleClose?.cancel()
        idleClose = nil
        transport.forget(self)
        let exchange = current
        current = nil
        exchange?.fail(HTTP1Transport.Failure.closedBeforeAnswer)
        transport.connectionClosed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The parser's word for an answer the server stopped sending halfway; say it plainly.
        if let parser = error as? HTTPParserError, parser == .invalidEOFState {
            return failCurrent(HTTP1Transport.Failure.closedBeforeAnswer)
        }
        failCurrent(error)
    }

    /// Closes the connection once it has been idle for `timeout`.
    func closeWhenIdle(for timeout: TimeAmount) {
        idleClose = context?.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            guard current == nil else { return }
            transport.forget(self)
            close()
        }
    }

    /// Its exchange ended elsewhere (deadline, cancelled) with the answer possibly half read: close.
    func abandon() {
        current = nil
        close()
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        context?.close(promise: nil)
    }

    private func failCurrent(_ error: any Error) {
        let exchange = current
        current = nil
        close()
        exchange?.fail(error)
    }
}
