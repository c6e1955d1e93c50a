import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose next request has not fully arrived within a deadline: from the connection's start,
/// and from the end of each answer, to the end of the request's body.
///
/// The idle timeout alone does not do it: every byte read restarts it, so a client trickling a header line or
/// a webhook body a byte a second held its connection, a task and the body read so far for as long as it liked.
/// While a request is being answered no deadline runs (a history read may take its time): that is while more
/// requests have arrived whole than have been answered. Counting both keeps the rule under pipelining, and when
/// an answer goes before its request's body has arrived (a 404 to a POST): the rest of that body, and the
/// request after it, still run against the deadline.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?
    /// Requests whose end has been read, and answers whose end has been written.
    private var arrived = 0
    private var answered = 0

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            arrived += 1
            if arrived > answered { disarm() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answered += 1
            if arrived <= answered { arm(context: context) }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func arm(context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: limit) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
