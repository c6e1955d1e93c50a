import Foundation
import WriftAIModels

/// Why a WriftAI API call failed, in a form callers can act on.
///
/// Every description names the request's method, path and status and carries the server's `detail`;
/// none contains the access token.
public enum WriftAIError: Error, Sendable, CustomStringConvertible {
    /// The request that failed and what the server said.
    public struct Context: Sendable, Equatable, CustomStringConvertible {
        /// The HTTP method, e.g. `GET`.
        public var method: String
        /// The request path with its query, e.g. `/v1/models/acme/sentiment/versions?page_size=50`.
        public var path: String
        /// The answer's status code, or `nil` when no answer arrived.
        public var status: Int?
        /// The server's `detail`, or a summary of a 422's issues.
        public var detail: String?

        /// Creates a context.
        public init(method: String, path: String, status: Int? = nil, detail: String? = nil) {
            self.method = method
            self.path = path
            self.status = status
            self.detail = detail
        }

        /// E.g. `GET /v1/models/acme/sentiment: 404 (Model not found)`.
        public var description: String {
            var text = "\(method) \(path)"
            if let status { text += ": \(status)" }
            if let detail, !detail.isEmpty { text += " (\(detail))" }
            return text
        }
    }

    /// 401: the token is missing, invalid or expired.
    case unauthorized(Context)
    /// 403: the token's user may not do this, e.g. change another user's public model.
    case forbidden(Context)
    /// 404: the model or version does not exist, or is another user's private model.
    case notFound(Context)
    /// 422: the request was refused; every issue the server listed, with its field path and message.
    case validation(Context, issues: [ValidationIssue])
    /// 429: too many requests; `retryAfter` is how long the server asked to wait, when it said.
    case rateLimited(Context, retryAfter: Duration?)
    /// A 5xx answer.
    case server(status: Int, Context)
    /// Another unexpected status, e.g. 400 or 409.
    case unexpectedStatus(status: Int, Context)
    /// The connection failed or broke before a complete answer arrived.
    case transport(Context, reason: String)
    /// No complete answer within the request timeout.
    case timeout(Context, after: Duration)
    /// The server's TLS certificate was refused: it is not signed by a trusted certificate authority, or
    /// does not name the host. Never retried; verification cannot be turned off.
    case untrustedCertificate(Context, reason: String)
    /// An answer that does not decode as the API's documented shape.
    case decoding(Context, reason: String)
    /// A listing that cannot be trusted to be complete: the server repeated a cursor, or the listing
    /// exceeded the configured number of pages or items.
    case pagination(Context, reason: String)
    /// An answer that decoded but cannot be true: an invalid digest, a version number out of range or
    /// repeated, details of another number than the one asked for. Never retried; nothing is planned
    /// from it.
    case invalidAnswer(Context, AnswerProblem)
    /// A 404 whose body is not the API's "model not found" or "version not found": the request most
    /// likely missed the API (a wrong base URL, a proxy's page). Never taken to mean that a model or
    /// version is missing.
    case unknownEndpoint(Context, baseURL: String)
    /// The API's host name could not be resolved (retried at most once).
    case hostNotFound(Context, host: String, reason: String)
    /// The overall deadline (``WriftAIClient/Configuration/deadline`` or
    /// ``WriftAIClient/withDeadline(_:_:)``) passed, or the next retry or rate-limit wait would end past
    /// it; nothing more was sent. `budget` is the deadline's length.
    case deadlineExceeded(Context, budget: Duration)
    /// A create whose outcome stayed unknown after every allowed attempt and check; the version may or
    /// may not exist.
    case createOutcomeUnknown(Context, digest: String, reason: String)
    /// A prediction create whose outcome stayed unknown after the allowed resends (lost answers, 5xx,
    /// timeouts): a prediction may have been created and may run, which costs a run of the model but
    /// changes nothing else. Its identifier is not known.
    case predictionOutcomeUnknown(Context, reason: String)
    /// The calling task was cancelled before the answer arrived.
    case cancelled(Context)
    /// The client's configuration is unusable (bad base URL, unreadable token file, …).
    case configuration(String)

    /// The request context, except for configuration errors.
    public var context: Context? {
        switch self {
        case .unauthorized(let context), .forbidden(let context), .notFound(let context),
            .validation(let context, _), .rateLimited(let context, _), .server(_, let context),
            .unexpectedStatus(_, let context), .transport(let context, _), .timeout(let context, _),
            .untrustedCertificate(let context, _),
            .decoding(let context, _), .pagination(let context, _), .createOutcomeUnknown(let context, _, _),
            .predictionOutcomeUnknown(let context, _), .cancelled(let context), .invalidAnswer(let context, _), .unknownEndpoint(let context, _),
            .hostNotFound(let context, _, _), .deadlineExceeded(let context, _):
            context
        case .configuration:
            nil
        }
    }

    /// The answer's status code, when an answer arrived.
    public var status: Int? { context?.status }

    /// A one-line explanation naming method, path, status and the server's detail.
    public var description: String {
        switch self {
        case .unauthorized(let context):
            "unauthorized: \(context); check the WriftAI access token (given by \(Self.tokenSources)): it "
                + "may be missing, mistyped, expired or revoked"
        case .forbidden(let context):
            "forbidden: \(context); the access token (given by \(Self.tokenSources)) belongs to a user who may "
                + "not do this: use a token of the model's owner"
        case .notFound(let context):
            "not found: \(context)"
        case .validation(let context, let issues) where issues.isEmpty:
            // A detail that is not a list of issues (a string, an object) is still the server's words.
            "validation failed: \(context.method) \(context.path): \(context.status ?? 422): "
                + (context.detail.flatMap { $0.isEmpty ? nil : $0 } ?? "(no detail in the answer)")
        case .validation(let context, let issues):
            "validation failed: \(context.method) \(context.path): \(context.status ?? 422): "
                + issues.map { "\($0.path): \($0.msg)" }.joined(separator: "; ")
        case .rateLimited(let context, let retryAfter):
            "rate limited: \(context)" + (retryAfter.map { "; retry after \(Self.seconds($0))" } ?? "")
        case .server(_, let context):
            "server error: \(context)"
        case .unexpectedStatus(_, let context):
            "unexpected answer: \(context)"
        case .transport(let context, let reason):
            "connection failed: \(context): \(reason)"
        case .timeout(let context, let after):
            "timed out after \(Self.seconds(after)): \(context)"
        case .untrustedCertificate(let context, let reason):
            "the API's TLS certificate is not trusted: \(context): \(reason); if the API uses a certificate "
                + "from a private certificate authority, give that CA's certificate (PEM) with --api-ca-file FILE "
                + "(it is added to the system's CAs)"
        case .decoding(let context, let reason):
            "unreadable answer: \(context): \(reason)"
        case .pagination(let context, let reason):
            "incomplete listing: \(context): \(reason)"
        case .invalidAnswer(let context, let problem):
            "invalid answer from the API: \(context): \(problem)"
        case .unknownEndpoint(let context, let baseURL):
            "not found: \(context); this is not the WriftAI API's answer for a missing model or version, so the "
                + "API base URL \(EscapedText.quoted(baseURL, limit: 200)) may be wrong (it should end in a single "
                + "/v1, e.g. \(WriftAIClient.Configuration.Server.defaultBaseURL); check --api-url and "
                + "$\(WriftAIClient.Configuration.baseURLVariable))"
        case .hostNotFound(let context, let host, let reason):
            "cannot resolve the API host \(EscapedText.quoted(host)): \(context): \(reason); check --api-url and "
                + "$\(WriftAIClient.Configuration.baseURLVariable), and the machine's DNS"
        case .deadlineExceeded(let context, let budget):
            "deadline exceeded: the overall limit of \(Self.seconds(budget)) (--deadline) was reached at "
                + "\(context); nothing more was sent"
        case .createOutcomeUnknown(let context, let digest, let reason):
            "create of \(digest) has an unknown outcome: \(context): \(reason)"
        case .predictionOutcomeUnknown(let context, let reason):
            "prediction create has an unknown outcome: \(context): \(reason)"
        case .cancelled(let context):
            "cancelled: \(context)"
        case .configuration(let message):
            "invalid WriftAI client configuration: \(message)"
        }
    }

    /// The two ways to give the access token, for messages.
    static let tokenSources = "$\(WriftAIClient.Configuration.tokenVariable) or --token-file FILE"

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value.rounded() == value ? "\(Int(value)) s" : String(format: "%.2f s", value)
    }
}
