import NIOCore

/// One request's exchange on an ``HTTP1Transport``: its answer to come, its deadline, and the connection it
/// runs on once it has one. It ends once: answered, failed, timed out or cancelled, whichever comes first.
final class HTTP1Exchange: Sendable {
    /// The whole answer, or why there is none.
    let futureResult: EventLoopFuture<RawAnswer>
    /// The most bytes the answer may have.
    let limit: Int
    private let promise: EventLoopPromise<RawAnswer>
    private let loopState: State

    /// Touched on the loop only (`state` checks it), which is what makes it safe to share.
    private final class State: @unchecked Sendable {
        var isFinished = false
        var deadline: Scheduled<Void>?
        var connection: HTTP1Connection?
    }

    init(eventLoop: any EventLoop, limit: Int) {
        self.promise = eventLoop.makePromise(of: RawAnswer.self)
        self.futureResult = promise.futureResult
        self.limit = limit
        self.loopState = State()
    }

    private var state: State {
        futureResult.eventLoop.assertInEventLoop()
        return loopState
    }

    /// Fails the exchange with `failure` at `deadline` if it has not ended by then, instead of at any
    /// deadline set before. On the loop.
    func setDeadline(_ deadline: NIODeadline, failure: HTTP1Transport.Failure = .deadlineExceeded) {
        let state = self.state
        state.deadline?.cancel()
        state.deadline = futureResult.eventLoop.scheduleTask(deadline: deadline) {
            self.fail(failure)
        }
    }

    /// Whether it has ended (answered, failed, timed out or cancelled). On the loop.
    var isFinished: Bool {
        state.isFinished
    }

    /// Runs the exchange on `connection`; `false` if it has already ended. On the loop.
    func attach(_ connection: HTTP1Connection) -> Bool {
        let state = self.state
        guard !state.isFinished else { return false }
        state.connection = connection
        return true
    }

    /// Ends the exchange with its answer. On the loop.
    func succeed(_ answer: RawAnswer) {
        guard let _ = finish() else { return }
        promise.succeed(answer)
    }

    /// Ends the exchange with `error`, closing its connection if it has one (the answer may be half read).
    /// On the loop.
    func fail(_ error: any Error) {
        guard let connection = finish() else { return }
        connection?.abandon()
        promise.fail(error)
    }

    /// Gives up: from any thread.
    func cancel() {
        if futureResult.eventLoop.inEventLoop {
            fail(HTTP1Transport.Failure.cancelled)
        } else {
            futureResult.eventLoop.execute { self.fail(HTTP1Transport.Failure.cancelled) }
        }
    }

    /// Marks the exchange ended; `nil` if it already was, else its connection (if any).
    private func finish() -> HTTP1Connection?? {
        let state = self.state
        guard !state.isFinished else { return nil }
        state.isFinished = true
        state.deadline?.cancel()
        state.deadline = nil
        defer { state.connection = nil }
        return .some(state.connection)
    }
}
