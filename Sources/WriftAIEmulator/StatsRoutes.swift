import Hummingbird

/// `/_emulator/stats`, outside `/v1`: not authenticated, rate limited, faulted or counted itself.
struct StatsRoutes: Sendable {
    let recorder: StatsRecorder

    func register(on router: Router<EmulatorRequestContext>) {
        router.get("/_emulator/stats", use: show)
        router.delete("/_emulator/stats", use: reset)
    }

    /// The counts so far, as ``EmulatorStats`` JSON.
    @Sendable func show(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        try JSONResponse.make(recorder.snapshot())
    }

    /// Zeroes every count, e.g. between benchmark runs; 204.
    @Sendable func reset(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        recorder.reset()
        return Response(status: .noContent)
    }
}
