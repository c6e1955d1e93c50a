import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import WriftAIModels

/// HTTP/1.1 requests to any `http` or `https` URL, for what is not the WriftAI API: notification receivers,
/// and the tools' own calls. Each origin gets one ``HTTP1Transport`` (kept-alive connections, made on first
/// use); no redirect is followed (one would carry a signature or a token to wherever it points), nothing is
/// retried, and each answer is read whole, up to a limit.
///
/// Why not AsyncHTTPClient: these few requests need nothing the API client's transport lacks, and that
/// package brings HTTP/2, its transport services and swift-configuration into the release build.
public final class HTTP1Client: Sendable {
    /// One whole answer.
    public struct Answer: Sendable {
        /// The status code.
        public var status: Int
        /// Names in lowercase, values as sent.
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The first value of the header `name`, whatever case either is written in.
        public func header(_ name: String) -> String? {
            let name = name.lowercased()
            return headers.first { $0.name == name }?.value
        }
    }

    /// A request that cannot be sent as given.
    public struct InvalidRequest: Error, CustomStringConvertible {
        public let description: String
    }

    /// The TLS context for `https` origins, or why there is none (an unreadable CA file): every `https`
    /// request then fails with that, as every attempt of a misconfigured receiver should.
    private let tls: Result<NIOSSLContext, HTTP1Transport.TLSSetupFailure>
    private let transports = Mutex<[String: HTTP1Transport]>([:])

    /// A client trusting the system's CA certificates and, for `https`, those of `caFile` (PEM) too.
    public init(caFile: String? = nil) {
        tls = Result { () throws(HTTP1Transport.TLSSetupFailure) in try HTTP1Transport.clientTLS(caFile: caFile) }
    }

    /// Sends `method` `url` with `headers` and `body`, and reads the whole answer, refusing one over `limit`
    /// bytes; all of it — connecting, sending and every byte of the answer — within `timeout`. Cancelling the
    /// calling task ends the exchange (and closes its connection).
    public func send(
        _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration, limit: Int = 1 << 20
    ) async throws -> Answer {
        let target = try Target(url)
        var fields = HTTPHeaders(headers.map { ($0.name, $0.value) })
        if let body { fields.replaceOrAdd(name: "Content-Length", value: String(body.count)) }
        let request = HTTP1Transport.Request(
            method: HTTPMethod(rawValue: method), uri: target.uri, headers: fields, body: body.map { ByteBuffer(bytes: $0) })
        let transport = try transport(for: target, connectTimeout: timeout)
        let exchange = transport.execute(request, limit: limit, deadline: .now() + .nanoseconds(WriftAIClient.nanoseconds(timeout)))
        let answer = try await withTaskCancellationHandler {
            try await exchange.futureResult.get()
        } onCancel: {
            exchange.cancel()
        }
        return Answer(status: answer.status, headers: answer.headers, body: answer.body)
    }

    /// Closes every idle connection; exchanges under way finish first. The client takes no requests after.
    public func shutdown() async {
        let all = transports.withLock { transports in
            defer { transports = [:] }
            return Array(transports.values)
        }
        for transport in all { await transport.shutdown() }
    }

    private func transport(for target: Target, connectTimeout: Duration) throws -> HTTP1Transport {
        let tls = try target.isTLS ? self.tls.get() : nil
        return transports.withLock { transports in
            if let existing = transports[target.origin] { return existing }
            let made = HTTP1Transport(
                host: target.host, port: target.port, tls: tls,
                connectTimeout: .nanoseconds(WriftAIClient.nanoseconds(connectTimeout)))
            transports[target.origin] = made
            return made
        }
    }

    /// A URL taken apart: its origin and the request target sent on the request line.
    private struct Target {
        var isTLS: Bool
        var host: String
        var port: Int
        var uri: String
        var origin: String { "\(isTLS ? "https" : "http")://\(host):\(port)" }

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                  scheme == "http" || scheme == "https" else {
                throw InvalidRequest(description: "not an http or https URL: \(EscapedText.escaped(url, limit: 200))")
            }
            // URLComponents may keep an IPv6 literal's brackets; the socket address must not have them.
            guard let host = components.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
                throw InvalidRequest(description: "no host in \(EscapedText.escaped(url, limit: 200))")
            }
            isTLS = scheme == "https"
            self.host = host
            port = components.port ?? (isTLS ? 443 : 80)
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            uri = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            guard HTTP1Transport.isValidRequestTarget(uri) else {
                throw InvalidRequest(description: "the request target of \(EscapedText.escaped(url, limit: 200)) is not valid in a request line")
            }
        }
    }
}
