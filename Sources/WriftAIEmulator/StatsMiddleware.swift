import Hummingbird

/// Records every answer in the stats, under the route template the router matched.
struct StatsMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let recorder: StatsRecorder

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        recorder.record(
            method: request.method.rawValue,
            route: context.endpointPath ?? "NotFound",
            status: response.status.code
        )
        return response
    }
}
