/// Removes the access token from any text before it reaches an error or a log line.
struct Redactor: Sendable {
    static let placeholder = "<redacted>"

    private let secrets: [String]

    init(token: AccessToken?) {
        // Very short values would redact ordinary words; real tokens are long.
        secrets = [token?.value].compactMap { $0 }.filter { $0.count >= 4 }
    }

    func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return result
    }

    func callAsFunction(_ error: WriftAIError) -> WriftAIError {
        func clean(_ context: WriftAIError.Context) -> WriftAIError.Context {
            var context = context
            context.path = self(context.path)
            context.detail = context.detail.map { self($0) }
            return context
        }
        switch error {
        case .unauthorized(let context): return .unauthorized(clean(context))
        case .forbidden(let context): return .forbidden(clean(context))
        case .notFound(let context): return .notFound(clean(context))
        case .validation(let context, let issues):
            return .validation(
                clean(context),
                issues: issues.map { issue in
                    var issue = issue
                    issue.msg = self(issue.msg)
                    return issue
                }
            )
        case .rateLimited(let context, let retryAfter): return .rateLimited(clean(context), retryAfter: retryAfter)
        case .server(let status, let context): return .server(status: status, clean(context))
        case .unexpectedStatus(let status, let context): return .unexpectedStatus(status: status, clean(context))
        case .transport(let context, let reason): return .transport(clean(context), reason: self(reason))
        case .timeout(let context, let after): return .timeout(clean(context), after: after)
        case .untrustedCertificate(let context, let reason):
            return .untrustedCertificate(clean(context), reason: self(reason))
        case .decoding(let context, let reason): return .decoding(clean(context), reason: self(reason))
        case .pagination(let context, let reason): return .pagination(clean(context), reason: self(reason))
        case .createOutcomeUnknown(let context, let digest, let reason):
            return .createOutcomeUnknown(clean(context), digest: digest, reason: self(reason))
        case .predictionOutcomeUnknown(let context, let reason):
            return .predictionOutcomeUnknown(clean(context), reason: self(reason))
        case .cancelled(let context): return .cancelled(clean(context))
        case .configuration(let message): return .configuration(self(message))
        }
    }
}
