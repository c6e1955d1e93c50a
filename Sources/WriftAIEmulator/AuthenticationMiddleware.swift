import Foundation
import Hummingbird

/// Resolves the bearer token to a user. It refuses nothing: routes answer 401 themselves, after the
/// rate limiter has counted the request against the right caller.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let usersByToken: [String: String]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                if let user = usersByToken[token] {
                    context.user = user
                    context.token = token
                }
            }
        }
        return try await next(request, context)
    }
}
