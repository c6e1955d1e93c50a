import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Holds an answer on its connection until the injected latency has passed since its request was read from the
/// socket, then writes it from the connection's event loop.
///
/// Waiting in the request's task instead adds the hand-offs around the wait to every round trip (the task's
/// timer thread, a worker, then the event loop for the write): a `--latency-ms 20` answer left 20.6 ms after its
/// request came. Here the wait is the event loop's own timer, measured from the read.
///
/// Only answers the latency applies to are held: ``FaultInjectionMiddleware`` marks them with
/// ``marker``, which is taken off before the answer leaves. Others (the stats endpoint, 401s, 429s) pass as
/// before. HTTP/1.1 answers in request order, so each answer's release time is the oldest one not yet used.
final class AnswerHoldHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The header field that asks for an answer to be held; never sent.
    static let marker = HTTPField.Name("x-wriftai-emulator-hold")!

    /// What was asked of the pipeline while an earlier answer was held: done in order once it may go.
    private enum Operation {
        case write(NIOAny, EventLoopPromise<Void>?)
        case flush
        case close(CloseMode, EventLoopPromise<Void>?)
    }

    private let latency: TimeAmount
    /// When each request read, and not yet answered, may have its answer leave.
    private var releases = CircularBuffer<NIODeadline>()
    /// When the parts of the answer being written may leave (`nil`: at once).
    private var current: NIODeadline?
    /// Operations waiting, each with the time it may go (never earlier than the one before it).
    private var held = CircularBuffer<(at: NIODeadline, operation: Operation)>()
    private var timer: Scheduled<Void>?

    init(latency: TimeAmount) {
        self.latency = latency
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            releases.append(.now() + latency)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var data = data
        if case .head(var head) = unwrapOutboundIn(data), head.status.kind != .informational {
            let release = releases.popFirst()
            if head.headerFields[Self.marker] != nil {
                head.headerFields[Self.marker] = nil
                data = wrapOutboundOut(.head(head))
                current = release
            } else {
                current = nil
            }
        }
        perform(.write(data, promise), at: current, context: context)
    }

    func flush(context: ChannelHandlerContext) {
        perform(.flush, at: nil, context: context)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        perform(.close(mode, promise), at: nil, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        dropHeld()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        dropHeld()
    }

    /// Does `operation` now if nothing is held and its time has come; otherwise queues it behind the rest.
    private func perform(_ operation: Operation, at time: NIODeadline?, context: ChannelHandlerContext) {
        if held.isEmpty && (time.map { $0 <= .now() } ?? true) {
            run(operation, context: context)
            return
        }
        let at = max(time ?? .uptimeNanoseconds(0), held.last?.at ?? .uptimeNanoseconds(0))
        held.append((at, operation))
        if timer == nil { schedule(context: context) }
    }

    private func schedule(context: ChannelHandlerContext) {
        guard let first = held.first else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: first.at) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.releaseDue(context: context)
        }
    }

    /// Runs every held operation whose time has come, in order, and waits for the next.
    private func releaseDue(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        while let first = held.first, first.at <= now {
            held.removeFirst()
            run(first.operation, context: context)
        }
        if !held.isEmpty && timer == nil { schedule(context: context) }
    }

    private func run(_ operation: Operation, context: ChannelHandlerContext) {
        switch operation {
        case .write(let data, let promise): context.write(data, promise: promise)
        case .flush: context.flush()
        case .close(let mode, let promise): context.close(mode: mode, promise: promise)
        }
    }

    /// The connection is gone: nothing held can be written.
    private func dropHeld() {
        timer?.cancel()
        timer = nil
        while let (_, operation) = held.popFirst() {
            switch operation {
            case .write(_, let promise): promise?.fail(ChannelError.ioOnClosedChannel)
            case .close(_, let promise): promise?.fail(ChannelError.alreadyClosed)
            case .flush: break
            }
        }
        releases.removeAll()
    }
}
