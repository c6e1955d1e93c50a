import Hummingbird
import WriftAIModels

/// Injects latency, 503s (request not acted on), 502s (request acted on, answer lost), connections
/// closed without an answer (before or after acting) and answers held back past a client's timeout.
struct FaultInjectionMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let injector: FaultInjector
    /// What injected latency and slow answers wait on.
    let clock: EmulatorClock

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if injector.faults.latencyMilliseconds > 0 {
            try await clock.sleep(for: .milliseconds(injector.faults.latencyMilliseconds))
        }
        if injector.shouldFail() {
            return try JSONResponse.make(
                ErrorResponse(detail: "Service temporarily unavailable"),
                status: .serviceUnavailable
            )
        }
        let reset = injector.reset()
        if reset == .beforeActing {
            return await closeWithoutAnswer(context)
        }
        let response = try await next(request, context)
        if reset == .afterActing {
            return await closeWithoutAnswer(context)
        }
        if injector.shouldAnswerSlowly() {
            try await clock.sleep(for: .milliseconds(injector.faults.slowMilliseconds))
        }
        if injector.shouldLoseResponse() {
            return try JSONResponse.make(ErrorResponse(detail: "Bad gateway"), status: .badGateway)
        }
        return response
    }

    /// Closes the connection; the returned answer is never sent (the stats count it with status 0).
    private func closeWithoutAnswer(_ context: Context) async -> Response {
        await context.closeConnection()
        return Response(status: .init(code: 0, reasonPhrase: "Connection closed without an answer"))
    }
}
