import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization
import WriftAIModels

/// The request-level switches of ``EmulatorConfiguration/Hostile``: a 404 that is not the API's, a 422
/// whose `detail` is not a list, a 429 with a reset far ahead on every request, a `Retry-After` given as an
/// HTTP-date, an advertised `x-ratelimit-limit` far above the real one, and bodies trickled a byte at a time.
///
/// Inside the stats middleware (its answers are counted) and outside the rate limiter and the throttle
/// (its headers win).
struct HostileMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let hostile: EmulatorConfiguration.Hostile
    /// The time of the hostile 429s, and what trickled bodies pause on.
    let clock: EmulatorClock
    /// When the first request arrived, as Unix time, for ``EmulatorConfiguration/Hostile/retryAfterDateSeconds``.
    private let firstRequest = FirstRequest()

    private final class FirstRequest: Sendable {
        let time = Mutex<Double?>(nil)
    }

    init(hostile: EmulatorConfiguration.Hostile, clock: EmulatorClock) {
        self.hostile = hostile
        self.clock = clock
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await answer(request, context: context, next: next)
        if let limit = hostile.advertisedLimit {
            response.headers[.rateLimitLimit] = String(limit)
        }
        if hostile.trickleMilliseconds > 0 {
            let original = response.body
            let delay = Duration.milliseconds(hostile.trickleMilliseconds)
            let clock = clock
            response.body = ResponseBody(contentLength: original.contentLength) { writer in
                try await original.write(TrickleWriter(base: writer, delay: delay, clock: clock))
            }
        }
        return response
    }

    private func answer(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let now = clock.unixTime
        if hostile.loseCreateAnswers, request.method == .post, request.uri.path.hasPrefix("/v1/models/"), request.uri.path.hasSuffix("/versions") {
            let acted = try await next(request, context)
            guard acted.status == .created else { return acted }
            return try JSONResponse.make(ErrorResponse(detail: "Bad gateway"), status: .badGateway)
        }
        if let body = hostile.notFoundBody {
            switch body {
            case .html:
                let page = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found"
                    + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                return Response(
                    status: .notFound, headers: [.contentType: "text/html"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
            case .generic:
                return try JSONResponse.make(ErrorResponse(detail: "Not Found"), status: .notFound)
            }
        }
        if hostile.alwaysRateLimitedSeconds > 0 {
            let reset = Int(now.rounded(.up)) + hostile.alwaysRateLimitedSeconds
            var response = try JSONResponse.make(ErrorResponse(detail: "Rate limit exceeded"), status: .tooManyRequests)
            response.headers[.rateLimitLimit] = "3"
            response.headers[.rateLimitRemaining] = "0"
            response.headers[.rateLimitReset] = String(reset)
            response.headers[.retryAfter] = String(hostile.alwaysRateLimitedSeconds)
            return response
        }
        if hostile.retryAfterDateSeconds > 0 {
            let first = firstRequest.time.withLock { first in
                if first == nil { first = now }
                return first!
            }
            let end = first.rounded(.up) + Double(hostile.retryAfterDateSeconds)
            if now < end {
                var response = try JSONResponse.make(ErrorResponse(detail: "Rate limit exceeded"), status: .tooManyRequests)
                response.headers[.retryAfter] = WireTime.httpDateString(end)
                return response
            }
        }
        if let shape = hostile.validationDetail, request.method == .post || request.method == .patch {
            switch shape {
            case .string:
                return try JSONResponse.make(
                    ErrorResponse(detail: "This model has reached its version quota"), status: .unprocessableContent)
            case .object:
                let body: JSONValue = [
                    "detail": ["error": "quota_exceeded", "message": "This model has reached its version quota", "limit": 10]
                ]
                return try JSONResponse.make(body, status: .unprocessableContent)
            }
        }
        return try await next(request, context)
    }
}

/// Writes a body one byte at a time, pausing between bytes; the pauses end when the emulator shuts down,
/// so a trickled answer never holds up a graceful shutdown.
struct TrickleWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter
    let delay: Duration
    let clock: EmulatorClock

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        while let byte = buffer.readSlice(length: 1) {
            try await base.write(byte)
            let (delay, clock) = (self.delay, self.clock)
            try await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }
}

/// ``EmulatorConfiguration/Hostile/neverAnswer``: counts the request in the stats (with status 0) as it
/// arrives, then holds it without an answer until the emulator shuts down, and closes the connection.
/// Outermost, so the stats middleware does not count it a second time.
struct NeverAnswerMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let recorder: StatsRecorder

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        recorder.record(method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: 0)
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(86_400)) }
        await context.closeConnection()
        return Response(status: .init(code: 0, reasonPhrase: "Never answered"))
    }
}
