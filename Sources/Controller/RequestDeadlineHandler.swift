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
///
/// Nor may a client hold a connection by not reading its answers. While the channel is not writable (the
/// kernel's buffers are full, and NIO's past its high watermark), the answer being written waits for
/// writability before its end reaches this handler, so the request deadline never starts, and Hummingbird's
/// idle timeout does not run while a request is being answered: a client pipelining a hundred requests and
/// never reading held its connection, its task and its buffers for ever. So a second timer runs while the
/// channel is not writable, and closes the connection unless it becomes writable again within the same limit;
/// becoming writable (the client read enough to bring NIO's buffer under its low watermark: progress) stops it.
/// The same limit because it bounds the same thing, how long a client may keep the server waiting on it for
/// its next step; a reader merely slow takes 32 KiB (between the watermarks) in far less.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?
    /// Runs while the channel is not writable.
    private var stall: Scheduled<Void>?
    /// Requests whose end has been read, and answers whose end has been written.
    private var arrived = 0
    private var answered = 0

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
        watchWritability(context: context)
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            arrived += 1
            // The request deadline waits while a request is answered; the stall timer does not: it is about the
            // client not reading, which a request pipelined behind a stalled answer does not change (it used to
            // cancel it, and a client that never read held its connection for ever).
            if arrived > answered {
                timer?.cancel()
                timer = nil
            }
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

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        watchWritability(context: context)
        // The handlers after this one (NIOAsyncChannel's writer) wait for it.
        context.fireChannelWritabilityChanged()
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
        timer = closing(context, in: limit)
    }

    /// Starts the stall timer when the channel is not writable (unless it runs already), and stops it when it is.
    private func watchWritability(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stall?.cancel()
            stall = nil
        } else if stall == nil, context.channel.isActive {
            stall = closing(context, in: limit)
        }
    }

    private func closing(_ context: ChannelHandlerContext, in delay: TimeAmount) -> Scheduled<Void> {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: delay) {
            loopBound.value.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        stall?.cancel()
        stall = nil
    }
}
