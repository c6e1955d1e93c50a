import AsyncHTTPClient
import Foundation
import Logging
import WriftAIModels

/// A complete successful answer.
struct APIResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

extension WriftAIClient {
    /// The largest answer body the client reads; API answers are far smaller.
    static let maxBodyBytes = 16 * 1024 * 1024

    /// Sends one attempt of `endpoint` in its turn, and maps any failure to ``WriftAIError``.
    ///
    /// - Returns: The answer, when its status is 2xx.
    func send(_ endpoint: Endpoint, body: [UInt8]? = nil, attempt: Int) async throws(WriftAIError) -> APIResponse {
        let context = WriftAIError.Context(method: endpoint.method.rawValue, path: basePath + endpoint.pathAndQuery)
        let permit: RequestPacer.Permit
        do {
            permit = try await pacer.acquire()
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
        let started = ContinuousClock.now
        var observation: RateLimitObservation?
        let result: Result<APIResponse, WriftAIError>
        do {
            let (status, headers, bytes) = try await exchange(endpoint, body: body)
            observation = RateLimitObservation(status: status, now: Date().timeIntervalSince1970) { name in
                headers.first { $0.name.lowercased() == name }?.value
            }
            if (200..<300).contains(status) {
                result = .success(APIResponse(status: status, body: bytes))
            } else {
                result = .failure(errorForStatus(status, body: bytes, context: context, observation: observation))
            }
        } catch {
            result = .failure(errorForTransport(error, context: context))
        }
        await pacer.finish(permit, observation: observation)

        let code: String
        switch result {
        case .success(let response): code = String(response.status)
        case .failure(.timeout): code = "timeout"
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

    /// Performs the HTTP exchange and reads the whole body.
    private func exchange(
        _ endpoint: Endpoint,
        body: [UInt8]?
    ) async throws -> (Int, [(name: String, value: String)], [UInt8]) {
        var request = HTTPClientRequest(url: baseURL + endpoint.pathAndQuery)
        switch endpoint.method {
        case .get: request.method = .GET
        case .post: request.method = .POST
        case .patch: request.method = .PATCH
        case .delete: request.method = .DELETE
        }
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let token = configuration.token {
            request.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        }
        for header in endpoint.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let response = try await httpClient.execute(
            request,
            timeout: .nanoseconds(Self.nanoseconds(configuration.timeouts.request))
        )
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            bytes.append(contentsOf: chunk.readableBytesView)
            if bytes.count > Self.maxBodyBytes { throw BodyTooLarge() }
        }
        return (Int(response.status.code), response.headers.map { (name: $0.name, value: $0.value) }, bytes)
    }

    private struct BodyTooLarge: Error, CustomStringConvertible {
        var description: String { "the answer exceeds \(WriftAIClient.maxBodyBytes) bytes" }
    }

    /// The error for a non-2xx answer, with the server's detail.
    func errorForStatus(
        _ status: Int,
        body: [UInt8],
        context: WriftAIError.Context,
        observation: RateLimitObservation?
    ) -> WriftAIError {
        var context = context
        context.status = status
        let decoder = JSONDecoder()
        if status == 422, let validation = try? decoder.decode(ValidationErrorResponse.self, from: Data(body)) {
            context.detail = validation.detail.map { "\($0.path): \($0.msg)" }.joined(separator: "; ")
            return .validation(context, issues: validation.detail)
        }
        if let error = try? decoder.decode(ErrorResponse.self, from: Data(body)) {
            context.detail = error.detail
        } else if !body.isEmpty {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            context.detail = text.isEmpty ? nil : text
        }
        switch status {
        case 401: return .unauthorized(context)
        case 403: return .forbidden(context)
        case 404: return .notFound(context)
        case 422: return .validation(context, issues: [])
        case 429:
            var retryAfter: Duration?
            if let reset = observation?.reset {
                let wait = max(0, reset - Date().timeIntervalSince1970)
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
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                let limit =
                    error == .connectTimeout ? configuration.timeouts.connect : configuration.timeouts.request
                return .timeout(context, after: limit)
            case .cancelled:
                return .cancelled(context)
            default:
                break
            }
        }
        let reason = String(describing: error)
        if let rejection = Self.certificateRejection(reason) {
            let server = URLComponents(string: baseURL).map { [$0.host, $0.port.map(String.init)].compactMap { $0 } }
            let name = server.map { $0.joined(separator: ":") } ?? baseURL
            return .untrustedCertificate(context, reason: "the certificate of \(name) \(rejection)")
        }
        return .transport(context, reason: reason)
    }

    /// What is wrong with the server's certificate when a connection failure is the TLS layer refusing
    /// it (NIOSSL reports BoringSSL's `CERTIFICATE_VERIFY_FAILED`, or its own host name check), as opposed
    /// to a failure that a retry could cure; `nil` otherwise. Matched on the text because NIOSSL is not a
    /// direct dependency.
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

    /// Sleeps before a retry; cancellation ends it with ``WriftAIError/cancelled(_:)``.
    func pause(_ duration: Duration, context: WriftAIError.Context?) async throws(WriftAIError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw .cancelled(context ?? WriftAIError.Context(method: "", path: ""))
        }
    }

    /// Decodes a JSON answer.
    func decode<Value: Decodable>(
        _ type: Value.Type,
        from response: APIResponse,
        endpoint: Endpoint
    ) throws(WriftAIError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(response.body))
        } catch {
            let context = WriftAIError.Context(
                method: endpoint.method.rawValue,
                path: basePath + endpoint.pathAndQuery,
                status: response.status
            )
            throw redact(.decoding(context, reason: Self.explain(error)))
        }
    }

    /// A short account of a decoding failure: what was wrong, and where.
    static func explain(_ error: any Error) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the top level" : text
        }
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "expected \(type) at \(path(context.codingPath)), found null"
        case .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default:
            return String(describing: error)
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
