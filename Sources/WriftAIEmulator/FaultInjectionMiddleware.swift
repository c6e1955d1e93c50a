import Hummingbird
import WriftAIModels

/// Injects latency, 503s (request not acted on) and 502s (request acted on, answer lost).
struct FaultInjectionMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let injector: FaultInjector

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if injector.faults.latencyMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(injector.faults.latencyMilliseconds))
        }
        if injector.shouldFail() {
            return try JSONResponse.make(
                ErrorResponse(detail: "Service temporarily unavailable"),
                status: .serviceUnavailable
            )
        }
        let response = try await next(request, context)
        if injector.shouldLoseResponse() {
            return try JSONResponse.make(ErrorResponse(detail: "Bad gateway"), status: .badGateway)
        }
        return response
    }
}
