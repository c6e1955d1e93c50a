import Foundation
import Logging
import Metrics
import NIOCore
import NIOSSL
import Synchronization
import WriftAIModels

/// The WriftAI API client: typed operations, one shared pace under the rate limit, safe retries.
///
/// All requests of one client share one ``RequestPacer`` token bucket, so any number of concurrent
/// callers together stay within the server's limit. Reads, configuration updates and deletes are
/// retried under the ``RetryPolicy``; a create whose outcome is unknown is resolved by looking for its
/// digest before it is ever sent again.
///
/// The client owns its connections: call ``shutdown()`` once done.
public final class WriftAIClient: WriftAIWriting {
    /// The configuration the client was made with.
    public let configuration: Configuration

    let baseURL: String
    /// The base URL's path (e.g. `/v1`), prefixed to paths in error contexts.
    let basePath: String
    let transport: HTTP1Transport
    /// The event loop the client's requests are sent and answered on, as a task executor (see ``send(_:body:attempt:)``).
    let loop: EventLoopExecutor
    let pacer: RequestPacer
    let metrics: RequestMetrics
    let logger: Logger
    let redact: Redactor
    /// ``Configuration/deadline`` counted from the client's creation.
    let clientDeadline: OverallDeadline?
    private let isShutDown = Mutex(false)

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - configuration: Server, token, timeouts, retries and pacing.
    ///   - logger: Where requests are logged (at `debug`, retries at `notice`); the token never is.
    ///   - metricsFactory: Where request counts go; `nil` uses the process-wide `MetricsSystem`.
    /// - Throws: ``WriftAIError/configuration(_:)`` when the configuration is unusable, such as a plain
    ///   `http://` base URL on a host that is not loopback without ``Configuration/Server/allowInsecureHTTP``.
    public init(
        configuration: Configuration,
        logger: Logger = Logger(label: "wriftsync.api"),
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(WriftAIError) {
        let base = try configuration.validatedBaseURL()
        if let token = configuration.token {
            // Checked again here for tokens made without validation: a line break in a header value would
            // otherwise be refused by the HTTP client with the value in its message.
            _ = try AccessToken(validating: token.value, from: .other("the configured access token"))
        }
        var tls: NIOSSLContext?
        if base.lowercased().hasPrefix("https:") {
            do {
                tls = try HTTP1Transport.clientTLS(caFile: configuration.server.additionalCAFile)
            } catch {
                throw .configuration(error.description)
            }
        }
        let components = URLComponents(string: base)
        // URLComponents may keep an IPv6 literal's brackets; the socket address must not have them.
        guard let host = components?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            throw .configuration("invalid API base URL '\(base)'")
        }
        self.configuration = configuration
        self.baseURL = base
        self.basePath = components?.percentEncodedPath ?? ""
        // The retry policy backs off and retries failed attempts: the transport itself never retries.
        // The pacer grants as many turns again as may be in flight, and the transport holds those requests
        // ready: each goes out on the first connection freed, in the step that reads its answer.
        self.transport = HTTP1Transport(
            host: host, port: components?.port ?? (tls == nil ? 80 : 443), tls: tls,
            connectTimeout: .nanoseconds(Self.nanoseconds(configuration.timeouts.connect)),
            maxConnections: configuration.pacing.maxInFlight)
        self.loop = EventLoopExecutor(eventLoop: transport.eventLoop)
        let transport = self.transport
        self.pacer = RequestPacer(
            pacing: configuration.pacing, maxWindowWait: configuration.retry.maxRateLimitWait,
            shared: SharedPacingFile.make(for: configuration, baseURL: base, logger: logger), pumpExecutor: loop,
            readyAhead: configuration.pacing.maxInFlight, whileFirstRequestAlone: { transport.prepareConnections($0) })
        self.metrics = RequestMetrics(factory: metricsFactory)
        self.logger = logger
        self.redact = Redactor(token: configuration.token)
        self.clientDeadline = configuration.deadline.map { OverallDeadline(instant: .now + $0, budget: $0) }
        transport.preconnect()
    }

    /// Shuts the underlying HTTP client down; later calls fail with a transport error. Calling it twice
    /// is harmless.
    public func shutdown() async throws {
        let alreadyDone = isShutDown.withLock { done in
            defer { done = true }
            return done
        }
        guard !alreadyDone else { return }
        await transport.shutdown()
    }

    /// Creates a client, runs `body` with it and shuts it down afterwards, also when `body` throws.
    public static func withClient<Value: Sendable>(
        configuration: Configuration,
        logger: Logger = Logger(label: "wriftsync.api"),
        metricsFactory: (any MetricsFactory)? = nil,
        _ body: (WriftAIClient) async throws -> Value
    ) async throws -> Value {
        let client = try WriftAIClient(configuration: configuration, logger: logger, metricsFactory: metricsFactory)
        let value: Value
        do {
            value = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return value
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
