import Hummingbird
import WriftAIModels

/// Injects latency, 503s (request not acted on), 502s (request acted on, answer lost), connections
/// closed without an answer (before or after acting) and answers held back past a client's timeout.
struct FaultInjectionMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let injector: FaultInjector
    /// What injected latency and slow answers wait on.
    let clock: EmulatorClock
    /// Whether the connection's ``AnswerHoldHandler`` holds each answer until the latency has passed since
    /// its request was read (a real server on the real clock); otherwise the wait is here, on `clock`. Served
    /// without connections (HummingbirdTesting's `.router` mode), a latency needs a test clock to be waited.
    var holdsInPipeline = false

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // Latency is a round trip with the work in its middle, as over a network: half of it passes before
        // the request is acted on, and the answer leaves once the whole of it has passed since the request
        // came. The emulator's own work is inside the latency, not added to it, so `--latency-ms 20` answers
        // in 20 ms; a slow answer's delay comes on top.
        let latency = Duration.milliseconds(injector.faults.latencyMilliseconds)
        let arrived = clock.instant()
        if latency > .zero {
            try await clock.sleep(for: latency / 2)
        }
        var (response, slow) = try await answer(request, context: context, next: next)
        if latency > .zero && holdsInPipeline && !slow {
            response.headers[AnswerHoldHandler.marker] = "1"
            return response
        }
        if latency > .zero {
            let left = latency - (clock.instant() - arrived)
            if left > .zero { try await clock.sleep(for: left) }
        }
        if slow {
            try await clock.sleep(for: .milliseconds(injector.faults.slowMilliseconds))
        }
        return response
    }

    /// The answer, with the faults drawn for this request (in the order the seeded draws have always been
    /// made), and whether it is to be held back as a slow one.
    private func answer(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> (Response, slow: Bool) {
        if injector.shouldFail() {
            let failure = try JSONResponse.make(ErrorResponse(detail: "Service temporarily unavailable"), status: .serviceUnavailable)
            return (failure, false)
        }
        let reset = injector.reset()
        if reset == .beforeActing {
            return (await closeWithoutAnswer(context), false)
        }
        let response = try await next(request, context)
        if reset == .afterActing {
            return (await closeWithoutAnswer(context), false)
        }
        let slow = injector.shouldAnswerSlowly()
        if injector.shouldLoseResponse() {
            return (try JSONResponse.make(ErrorResponse(detail: "Bad gateway"), status: .badGateway), slow)
        }
        return (response, slow)
    }

    /// Closes the connection; the returned answer is never sent (the stats count it with status 0).
    private func closeWithoutAnswer(_ context: Context) async -> Response {
        await context.closeConnection()
        return Response(status: .init(code: 0, reasonPhrase: "Connection closed without an answer"))
    }
}
