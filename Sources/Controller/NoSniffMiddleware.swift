import Hummingbird

/// Marks every answer `X-Content-Type-Options: nosniff`, Hummingbird's own too: an unknown path's 404, a wrong
/// method's, a body over its limit's 413. Those carry Hummingbird's wording, not ours, but a browser should
/// never read any answer of the controller as another type than it says. (A request the HTTP parser refuses
/// is answered below the router, out of its reach.)
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // What Hummingbird would answer (a 500 without a body), said here so that it carries the header too.
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            response = try HTTPError(.internalServerError).response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
