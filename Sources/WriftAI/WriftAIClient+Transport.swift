import Foundation
import Logging
import NIOCore
import NIOHTTP1
import WriftAIModels

/// A complete successful answer.
struct APIResponse: Sendable {
    var status: Int
    var body: [UInt8]
    /// The server's clock when it answered (the `Date` header), in seconds since 1970; `nil` without one.
    var serverTime: Double? = nil
}

extension WriftAIClient {
    /// Sends one attempt of `endpoint` in its turn, and maps any failure to ``WriftAIError``.
    ///
    /// The wait for a turn ends at the overall deadline; the exchange — connecting, sending, the headers
    /// and every byte of the body — ends at the request timeout or the overall deadline, whichever comes
    /// first.
    ///
    /// - Returns: The answer, when its status is 2xx.
    func send(_ endpoint: Endpoint, body: [UInt8]? = nil, attempt: Int) async throws(WriftAIError) -> APIResponse {
        // The turn, the exchange and handing the turn on run on the event loop that reads the answers
        // (see ``EventLoopExecutor``); the caller's work after it does not.
        // Built before the turn, and before going to the loop: the turn is handed over on the loop that reads
        // the answers, where every microsecond between an answer and the next request counts, and an apply's
        // first creates (one per model) all come at once.
        let request = Result { try makeRequest(endpoint, body: body) }
        return try await withTaskExecutorPreference(loop) { () async throws(WriftAIError) -> APIResponse in
            try await sendOnLoop(endpoint, request: request, attempt: attempt)
        }
    }

    private func sendOnLoop(
        _ endpoint: Endpoint, request: Result<HTTP1Transport.Request, any Error>, attempt: Int
    ) async throws(WriftAIError) -> APIResponse {
        let context = WriftAIError.Context(method: endpoint.method.rawValue, path: basePath + endpoint.pathAndQuery)
        let deadline = activeDeadline
        let permit = try await acquirePermit(context: context, deadline: deadline)
        let started = ContinuousClock.now
        var observation: RateLimitObservation?
        let result: Result<APIResponse, WriftAIError>
        do {
            let answer = try await exchange(try request.get(), until: deadline?.instant)
            observation = RateLimitObservation(status: answer.status, now: Date().timeIntervalSince1970, lookup: answer.header)
            if (200..<300).contains(answer.status) {
                let serverTime = answer.header("date").flatMap(WireTime.httpDate)
                result = .success(APIResponse(status: answer.status, body: answer.body, serverTime: serverTime))
            } else {
                result = .failure(errorForStatus(answer.status, body: answer.body, context: context, observation: observation))
            }
        } catch HTTP1Transport.Failure.deadlineExceeded where !Task.isCancelled {
            if let deadline {
                result = .failure(deadlineError(deadline, context: context, waiting: "no complete answer by then"))
            } else {
                result = .failure(.timeout(context, after: configuration.timeouts.request))
            }
        } catch HTTP1Transport.Failure.timedOut where !Task.isCancelled {
            result = .failure(.timeout(context, after: configuration.timeouts.request))
        } catch {
            result = .failure(errorForTransport(error, context: context))
        }
        if await pacer.finish(permit, observation: observation) {
            // The caller given the turn is a job queued behind this one on the loop: let it send first.
            // Leaving the loop wakes a worker thread, which the scheduler may run on this CPU ahead of the
            // loop (seen in `perf trace`: the next request then waited until the worker slept, up to 0.8 ms).
            await Task.yield()
        }

        let code: String
        switch result {
        case .success(let response): code = String(response.status)
        case .failure(.timeout), .failure(.deadlineExceeded): code = "timeout"
        case .failure(let error): code = error.status.map(String.init) ?? "error"
        }
        metrics.record(method: endpoint.method.rawValue, route: endpoint.route, code: code)
        let elapsed = ContinuousClock.now - started
        logger.debug(
            "WriftAI API request",
            metadata: [
                "method": "\(endpoint.method.rawValue)",
                "path": "\(redact(context.path))",
                "code": "\(code)",
                "attempt": "\(attempt)",
                "ms": "\(Self.nanoseconds(elapsed) / 1_000_000)",
            ]
        )
        switch result {
        case .success(let response): return response
        case .failure(let error): throw redact(error)
        }
    }

    /// Waits for a turn from the pacer, at most until `deadline`.
    private func acquirePermit(
        context: WriftAIError.Context,
        deadline: OverallDeadline?
    ) async throws(WriftAIError) -> RequestPacer.Permit {
        if let deadline, deadline.instant <= .now {
            throw deadlineError(deadline, context: context, waiting: "before the request could be sent")
        }
        do {
            guard let deadline else { return try await pacer.acquire() }
            let pacer = self.pacer
            let outcome = try await race(until: deadline.instant) {
                try await pacer.acquire()
            } late: { permit in
                // Granted just as time ran out: give the turn back unused.
                await pacer.finish(permit, observation: nil)
            }
            switch outcome {
            case .finished(let permit): return permit
            case .timeUp:
                throw deadlineError(deadline, context: context, waiting: "while waiting for a turn under the rate limit")
            }
        } catch let error as WriftAIError {
            throw error
        } catch let tooFar as RequestPacer.WindowTooFar {
            // An earlier answer closed the window until a reset too far away to wait for.
            var refused = context
            refused.detail = RetryDecision.Reason.rateLimitResetTooFar(
                wait: tooFar.wait, limit: configuration.retry.maxRateLimitWait
            ).description
            throw .rateLimited(refused, retryAfter: RetryDecision.Reason.whole(tooFar.wait))
        } catch {
            throw .cancelled(context)
        }
    }

    /// The HTTP request for `endpoint`, with the client's headers.
    func makeRequest(_ endpoint: Endpoint, body: [UInt8]?) throws -> HTTP1Transport.Request {
        let uri = basePath + endpoint.pathAndQuery
        // The request line is written as given: nothing outside printable ASCII (no space, no line break)
        // may reach it, whatever a server's cursor held.
        guard HTTP1Transport.isValidRequestTarget(uri) else {
            throw InvalidRequestTarget(target: uri)
        }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: "application/json")
        if let token = configuration.token {
            headers.add(name: "Authorization", value: "Bearer \(token.value)")
        }
        for header in endpoint.headers {
            headers.add(name: header.name, value: header.value)
        }
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
        }
        let method: HTTPMethod
        switch endpoint.method {
        case .get: method = .GET
        case .post: method = .POST
        case .patch: method = .PATCH
        case .delete: method = .DELETE
        }
        return HTTP1Transport.Request(method: method, uri: uri, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    }

    /// A request target with characters a request line cannot carry.
    struct InvalidRequestTarget: Error, CustomStringConvertible {
        let target: String
        var description: String { "the request target \(EscapedText.escaped(target, limit: 200)) is not valid in a request line" }
    }

    /// Performs the HTTP exchange and reads the whole body, up to ``Configuration/Limits/maxAnswerBytes``,
    /// all of it — connecting, sending, the headers and every byte of the body — within the request timeout
    /// from the moment it has a connection, and by the overall `deadline` (a body trickled a byte at a time
    /// cannot hold it longer).
    ///
    /// - Throws: ``HTTP1Transport/Failure/deadlineExceeded`` when the deadline comes first,
    ///   ``HTTP1Transport/Failure/timedOut`` when the timeout does;
    ///   ``HTTP1Transport/Failure/cancelled`` when the calling task is cancelled.
    private func exchange(_ request: HTTP1Transport.Request, until deadline: ContinuousClock.Instant?) async throws -> RawAnswer {
        let overall = deadline.map { NIODeadline.now() + .nanoseconds(max(0, Self.nanoseconds(ContinuousClock.now.duration(to: $0)))) }
        let exchange = transport.execute(
            request, limit: configuration.limits.maxAnswerBytes,
            timeout: .nanoseconds(Self.nanoseconds(configuration.timeouts.request)), deadline: overall ?? .distantFuture)
        return try await withTaskCancellationHandler {
            try await exchange.futureResult.get()
        } onCancel: {
            exchange.cancel()
        }
    }

    /// The error for a non-2xx answer, with the server's detail whatever its shape.
    func errorForStatus(
        _ status: Int,
        body: [UInt8],
        context: WriftAIError.Context,
        observation: RateLimitObservation?
    ) -> WriftAIError {
        var context = context
        context.status = status
        let detail = ErrorDetail(body: body, redact: redact)
        context.detail = detail.text
        switch status {
        case 401: return .unauthorized(context)
        case 403: return .forbidden(context)
        case 404:
            guard detail.isAPINotFound else { return .unknownEndpoint(context, baseURL: baseURL) }
            return .notFound(context)
        case 422: return .validation(context, issues: detail.issues)
        case 429:
            var retryAfter: Duration?
            if let reset = observation?.reset {
                // Capped, so that a reset in the year 3000 cannot overflow a Duration.
                let wait = min(max(0, reset - Date().timeIntervalSince1970), 1e9)
                retryAfter = .nanoseconds(Int64(wait * 1e9)) + configuration.pacing.resetMargin
            }
            return .rateLimited(context, retryAfter: retryAfter)
        case 500..<600: return .server(status: status, context)
        default: return .unexpectedStatus(status: status, context)
        }
    }

    /// The error for a request that got no complete answer.
    func errorForTransport(_ error: any Error, context: WriftAIError.Context) -> WriftAIError {
        if error is CancellationError || Task.isCancelled {
            return .cancelled(context)
        }
        if let failure = error as? HTTP1Transport.Failure {
            switch failure {
            case .connectTimeout: return .timeout(context, after: configuration.timeouts.connect)
            case .deadlineExceeded, .timedOut: return .timeout(context, after: configuration.timeouts.request)
            case .cancelled: return .cancelled(context)
            case .shutDown, .closedBeforeAnswer: return .transport(context, reason: failure.description)
            }
        }
        let reason = String(describing: error)
        if let rejection = Self.certificateRejection(reason) {
            let server = URLComponents(string: baseURL).map { [$0.host, $0.port.map(String.init)].compactMap { $0 } }
            let name = server.map { $0.joined(separator: ":") } ?? baseURL
            return .untrustedCertificate(context, reason: "the certificate of \(name) \(rejection)")
        }
        if Self.isNameResolutionFailure(reason) {
            let host = URLComponents(string: baseURL)?.host ?? baseURL
            return .hostNotFound(context, host: host, reason: EscapedText.escaped(reason, limit: 300))
        }
        return .transport(context, reason: reason)
    }

    /// Whether a connection failure is the host name not resolving (NIO reports the A and AAAA lookups'
    /// errors in `NIOConnectionError`, getaddrinfo's in `SocketAddressError.unknown`), as opposed to a
    /// refused or dropped connection. Matched on the text: the lookup errors arrive wrapped, as any `Error`,
    /// in whichever shape the resolver used.
    static func isNameResolutionFailure(_ reason: String) -> Bool {
        reason.contains("dnsAError") || reason.contains("dnsAAAAError") || reason.contains("SocketAddressError.unknown")
            || reason.contains("SocketAddressError.UnknownHost") || reason.contains("Name or service not known")
            || reason.contains("nodename nor servname") || reason.contains("Temporary failure in name resolution")
    }

    /// What is wrong with the server's certificate when a connection failure is the TLS layer refusing
    /// it (NIOSSL reports BoringSSL's `CERTIFICATE_VERIFY_FAILED`, or its own host name check), as opposed
    /// to a failure that a retry could cure; `nil` otherwise. Matched on the text: BoringSSL's reason exists
    /// only as text in its error stack.
    static func certificateRejection(_ reason: String) -> String? {
        if reason.contains("failedToValidateHostname") {
            return "does not name that host (failedToValidateHostname)"
        }
        if reason.contains("CERTIFICATE_VERIFY_FAILED") {
            return "did not verify against the trusted CAs (CERTIFICATE_VERIFY_FAILED: an unknown issuer, "
                + "an expired certificate, or one not issued for that host)"
        }
        return nil
    }

    /// Sends `endpoint` until it succeeds or the retry policy gives up. For idempotent requests only.
    func sendWithRetries(_ endpoint: Endpoint, body: [UInt8]? = nil) async throws(WriftAIError) -> APIResponse {
        try await withRetries(endpoint) { attempt throws(WriftAIError) in
            try await send(endpoint, body: body, attempt: attempt)
        }
    }

    /// Runs `operation` (given the attempt number, from 1) until it succeeds or the retry policy gives up.
    func withRetries<Value>(
        _ endpoint: Endpoint,
        _ operation: (_ attempt: Int) async throws(WriftAIError) -> Value
    ) async throws(WriftAIError) -> Value {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                let wait = try retryWait(after: error, attempt: attempt, endpoint: endpoint)
                try await pause(wait, context: error.context)
                attempt += 1
            }
        }
    }

    /// How long to wait before retrying after `error`, or the error to throw.
    func retryWait(after error: WriftAIError, attempt: Int, endpoint: Endpoint) throws(WriftAIError) -> Duration {
        switch configuration.retry.decision(after: error, attempt: attempt) {
        case .retry(let wait):
            logger.notice(
                "retrying WriftAI API request",
                metadata: [
                    "method": "\(endpoint.method.rawValue)",
                    "path": "\(redact(basePath + endpoint.pathAndQuery))",
                    "attempt": "\(attempt)",
                    "error": "\(redact(error.description))",
                    "wait_ms": "\(Self.nanoseconds(wait) / 1_000_000)",
                ]
            )
            return wait
        case .stop(.rateLimitResetTooFar(let wait, let limit)):
            // Without a status the pacer refused it before sending, and said why already.
            guard case .rateLimited(var context, let retryAfter) = error, context.status != nil else { throw error }
            let reason = RetryDecision.Reason.rateLimitResetTooFar(wait: wait, limit: limit).description
            context.detail = [context.detail, reason].compactMap { $0 }.joined(separator: "; ")
            throw .rateLimited(context, retryAfter: retryAfter.map(RetryDecision.Reason.whole))
        case .stop:
            throw error
        }
    }

    /// Sleeps before a retry; cancellation ends it with ``WriftAIError/cancelled(_:)``, and a wait that
    /// would end past the overall deadline fails at once with ``WriftAIError/deadlineExceeded(_:budget:)``.
    func pause(_ duration: Duration, context: WriftAIError.Context?) async throws(WriftAIError) {
        let context = context ?? WriftAIError.Context(method: "", path: "")
        if let deadline = activeDeadline, ContinuousClock.now + duration > deadline.instant {
            throw deadlineError(
                deadline, context: context,
                waiting: "the next attempt would start \(WriftAIError.seconds(RetryDecision.Reason.whole(duration))) "
                    + "from now, after the deadline")
        }
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw .cancelled(context)
        }
    }

    /// Reads a JSON answer with ``JSONFastReadable/read(json:)``, or decodes it with `JSONDecoder` when that
    /// gives up (which also gives every error its wording).
    func decode<Value: JSONFastReadable>(
        _ type: Value.Type,
        from response: APIResponse,
        endpoint: Endpoint
    ) throws(WriftAIError) -> Value {
        if let value = response.body.withUnsafeBufferPointer({ Value.read(json: $0) }) { return value }
        return try decodeWithFoundation(Value.self, from: response, endpoint: endpoint)
    }

    /// Decodes a JSON answer; a failure says what is wrong and where (see ``AnswerDiagnosis``).
    func decode<Value: Decodable>(
        _ type: Value.Type,
        from response: APIResponse,
        endpoint: Endpoint
    ) throws(WriftAIError) -> Value {
        try decodeWithFoundation(Value.self, from: response, endpoint: endpoint)
    }

    /// Decodes a JSON answer with `JSONDecoder`; a failure says what is wrong and where.
    private func decodeWithFoundation<Value: Decodable>(
        _ type: Value.Type,
        from response: APIResponse,
        endpoint: Endpoint
    ) throws(WriftAIError) -> Value {
        // Looked for only here, off the fast path: ``JSONFastReadable`` readers give up on a repeated key.
        if let key = JSONRepeatedKeys.first(in: response.body) {
            let context = WriftAIError.Context(method: endpoint.method.rawValue, path: basePath + endpoint.pathAndQuery, status: response.status)
            throw redact(.decoding(
                context, reason: "the answer repeats the key \(EscapedText.quoted(redact(key))) in one object, which readers take either way"))
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(response.body))
        } catch {
            let context = WriftAIError.Context(
                method: endpoint.method.rawValue,
                path: basePath + endpoint.pathAndQuery,
                status: response.status
            )
            let diagnosis = AnswerDiagnosis(body: response.body, error: error, redact: redact)
            if let model = endpoint.model, let problem = diagnosis.problem(model: model.description) {
                throw redact(.invalidAnswer(context, problem))
            }
            throw redact(.decoding(context, reason: diagnosis.reason))
        }
    }

    /// Encodes a request body.
    func encode(_ value: some Encodable) throws(WriftAIError) -> [UInt8] {
        do {
            return Array(try JSONEncoder().encode(value))
        } catch {
            throw .configuration("cannot encode the request body: \(error)")
        }
    }
}
