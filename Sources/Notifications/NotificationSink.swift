import GitSource
import WriftAIModels

/// One HTTP request a sink sends for an event.
public struct DeliveryRequest: Sendable, Equatable {
    /// The URL.
    public var url: String
    /// `POST`, always, for the sinks here.
    public var method: String
    /// The headers besides `Content-Type` and `User-Agent`, which every delivery has.
    public var headers: [String: String]
    /// The body (JSON).
    public var body: [UInt8]

    /// Creates a request.
    public init(url: String, method: String = "POST", headers: [String: String] = [:], body: [UInt8]) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// Somewhere events go: it turns an event into the request that delivers it, or into nothing when the
/// event is not for it. The ``Notifier`` queues, sends, retries and counts.
public protocol NotificationSink: Sendable {
    /// The `sink` label of `wriftsync_notifications_total`: `webhook`, `slack` or `github`.
    var kind: String { get }
    /// How logs name it: its kind and host, never a path (a Slack URL's path is its secret).
    var displayName: String { get }
    /// The request delivering `event`; `nil` when the sink does not send this event.
    func request(for event: ReconcileEvent) throws -> DeliveryRequest?
}

/// Why a sink's URL is refused at start.
public struct SinkURLError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and what to do.
    public let description: String
}

/// Sink URLs, checked once at start: `https://`, or `http://` only to loopback unless plain HTTP is
/// explicitly allowed (a signature, a Slack URL or a GitHub token would travel unencrypted).
public enum SinkURL {
    /// The host of `url`, once it passed the checks.
    @discardableResult
    public static func check(_ url: String, flag: String, allowInsecureHTTP: Bool) throws(SinkURLError) -> String {
        guard let components = URLComponentsLite(url), !components.host.isEmpty else {
            // Only up to the first `/` or `?`: the rest of a Slack URL is its secret, and a URL without a scheme
            // is not one whose userinfo redaction would strip.
            // Nothing before an `@` either: that would be a user and password.
            let shown = url.contains("@") ? "" : url.prefix { $0 != "/" && $0 != "?" }.prefix(64)
            throw SinkURLError(description: "\(flag) takes an http(s):// URL, not '\(EscapedText.escaped(String(shown), limit: 64))\(shown.count < url.count ? "…" : "")'")
        }
        guard !components.hasUserInfo else {
            throw SinkURLError(description: "\(flag): put no credentials in the URL (use the secret and token files)")
        }
        switch components.scheme {
        case "https":
            return components.host
        case "http":
            guard allowInsecureHTTP || RepositorySpec.isLoopback(components.host) else {
                throw SinkURLError(description: "refusing plain http:// for \(flag) to \(components.host): events would travel "
                    + "unencrypted; use https://, a loopback host, or allow it with --notify-insecure-http")
            }
            return components.host
        default:
            throw SinkURLError(description: "\(flag) must use https:// (or http:// on loopback), not \(components.scheme)://")
        }
    }

    /// `scheme://host` of a URL checked before, for logs: never its path or query.
    public static func origin(_ url: String) -> String {
        guard let components = URLComponentsLite(url) else { return "?" }
        return "\(components.scheme)://\(components.host)"
    }
}

/// The scheme, host and userinfo presence of a URL, parsed without Foundation's leniency.
struct URLComponentsLite {
    let scheme: String
    let host: String
    let hasUserInfo: Bool

    init?(_ url: String) {
        guard let range = url.range(of: "://") else { return nil }
        scheme = url[..<range.lowerBound].lowercased()
        let rest = url[range.upperBound...]
        var authority = rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex)]
        hasUserInfo = authority.contains("@")
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
        } else {
            host = String(authority[..<(authority.lastIndex(of: ":") ?? authority.endIndex)])
        }
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0 == "+" }) else { return nil }
    }
}
