import Foundation
import Hummingbird
import WriftAIModels

/// The rate-limit storm fault: once the storm begins, every API request is refused with 429 and an
/// `x-ratelimit-reset` naming the storm's end, however far away that is.
struct ThrottleMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let injector: FaultInjector
    /// The `x-ratelimit-limit` to report.
    let limit: Int
    /// When the storm begins and ends.
    let clock: EmulatorClock

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let now = clock.unixTime
        guard let end = injector.stormEnd(now: now) else {
            return try await next(request, context)
        }
        var response = try JSONResponse.make(ErrorResponse(detail: "Rate limit exceeded"), status: .tooManyRequests)
        response.headers[.rateLimitLimit] = String(limit)
        response.headers[.rateLimitRemaining] = "0"
        response.headers[.rateLimitReset] = String(end)
        response.headers[.retryAfter] = String(max(1, end - Int(now.rounded(.down))))
        return response
    }
}
