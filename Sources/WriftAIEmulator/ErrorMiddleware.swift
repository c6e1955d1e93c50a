import Hummingbird
import WriftAIModels

/// Turns every error thrown by a route into a `{"detail": …}` answer, so the middleware around it
/// (rate-limit headers, faults, stats) always sees a response.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            var response = try JSONResponse.make(
                ErrorResponse(detail: error.body ?? error.status.reasonPhrase),
                status: error.status
            )
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as any HTTPResponseError {
            return try JSONResponse.make(ErrorResponse(detail: error.status.reasonPhrase), status: error.status)
        } catch {
            context.logger.error("unexpected error: \(error)")
            return try JSONResponse.make(ErrorResponse(detail: "Internal server error"), status: .internalServerError)
        }
    }
}
