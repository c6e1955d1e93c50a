import Foundation
import Hummingbird

/// Limits requests per token (or, without a valid token, all anonymous callers together) and puts the
/// `x-ratelimit-*` headers on every answer.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let limiter: RateLimiter
    let limits: EmulatorConfiguration.RateLimit
    /// The windows are whole seconds of its wall time.
    let clock: EmulatorClock

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let key: String
        let limit: Int
        if let token = context.token {
            key = "token:\(token)"
            limit = limits.authenticated
        } else {
            key = "anonymous"
            limit = limits.unauthenticated
        }
        guard limit > 0 else {
            return try await next(request, context)
        }
        let now = clock.unixTime
        let decision = limiter.admit(key: key, limit: limit, now: now)
        var response: Response
        if decision.allowed {
            response = try await next(request, context)
        } else {
            response = try JSONResponse.make(ErrorResponse429.body, status: .tooManyRequests)
            let wait = max(1, decision.reset - Int(now.rounded(.down)))
            response.headers[.retryAfter] = String(wait)
        }
        response.headers[.rateLimitLimit] = String(decision.limit)
        response.headers[.rateLimitRemaining] = String(decision.remaining)
        response.headers[.rateLimitReset] = String(decision.reset)
        return response
    }
}

private enum ErrorResponse429 {
    static let body = ["detail": "Rate limit exceeded"]
}

// HTTPField itself is not re-exported by Hummingbird; reach its name type through HTTPFields.
extension HTTPFields.Element.Name {
    /// The caller's request limit per window.
    static let rateLimitLimit = Self("x-ratelimit-limit")!
    /// Requests left in the current window.
    static let rateLimitRemaining = Self("x-ratelimit-remaining")!
    /// Unix time (seconds) when the current window ends.
    static let rateLimitReset = Self("x-ratelimit-reset")!
}
