import SystemCrypto
import Foundation

/// `--notify URL`: each event POSTed as its JSON (`{"format_version":1,"type":…}`), signed with
/// `X-WriftSync-Signature-256: sha256=<hex HMAC-SHA256 of the body>` when a secret is given.
public struct WebhookSink: NotificationSink {
    /// The signature header.
    public static let signatureHeader = "X-WriftSync-Signature-256"
    /// The event type header (`applied`, `failed`, …), for routing without parsing.
    public static let eventHeader = "X-WriftSync-Event"
    /// The event id header, the same on every attempt: a receiver drops duplicates by it.
    public static let deliveryHeader = "X-WriftSync-Delivery"

    /// Where events go.
    public let url: String
    private let secret: [UInt8]?

    /// A sink posting to `url`, signing with `secret` when given.
    public init(url: String, secret: [UInt8]?) {
        self.url = url
        self.secret = secret
    }

    public var kind: String { "webhook" }
    public var displayName: String { "webhook \(SinkURL.origin(url))" }

    /// Every event, as JSON.
    public func request(for event: ReconcileEvent) throws -> DeliveryRequest? {
        let body = try event.jsonBody()
        var headers = [Self.eventHeader: event.type.rawValue, Self.deliveryHeader: event.id]
        if let secret { headers[Self.signatureHeader] = Self.signature(of: body, secret: secret) }
        return DeliveryRequest(url: url, headers: headers, body: body)
    }

    /// `sha256=<hex>` of `body` under `secret`: what a receiver computes and compares (in constant time).
    public static func signature(of body: some DataProtocol, secret: some DataProtocol) -> String {
        let code = HashFunction.sha256.authenticationCode(for: body, key: secret)
        return "sha256=" + Hex.lowercase(code)
    }
}
