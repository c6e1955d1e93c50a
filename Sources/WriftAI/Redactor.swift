import Foundation

/// Removes the access token from any text before it reaches an error or a log line: the token as it is,
/// and as a server or a library might echo it — JSON-escaped (`\/`, `\"`, `\uXXXX`) and percent-encoded
/// (upper- or lowercase hex).
struct Redactor: Sendable {
    static let placeholder = "<redacted>"

    private let secrets: [String]

    init(token: AccessToken?) {
        // Very short values would redact ordinary words; real tokens are long.
        guard let value = token?.value, value.count >= 4 else {
            secrets = []
            return
        }
        var forms: Set<String> = [value]
        forms.formUnion(Self.jsonEscaped(value))
        forms.formUnion(Self.percentEncoded(value))
        // Longest first, so that an escaped form is not broken up by replacing a shorter one inside it.
        secrets = forms.sorted { $0.count > $1.count }
    }

    func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.placeholder)
        }
        return result
    }

    /// The ways JSON can write `value`: with or without `/` escaped, and with every character outside
    /// printable ASCII as it is or as `\uXXXX` (lower- or uppercase hex).
    static func jsonEscaped(_ value: String) -> [String] {
        enum NonASCII: CaseIterable { case raw, lower, upper }
        func escape(slash: Bool, nonASCII: NonASCII) -> String {
            var result = ""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": result += "\\\""
                case "\\": result += "\\\\"
                case "/" where slash: result += "\\/"
                case " "..."~": result.unicodeScalars.append(scalar)
                default:
                    guard nonASCII != .raw else {
                        result.unicodeScalars.append(scalar)
                        continue
                    }
                    for unit in String(scalar).utf16 {
                        let hex = String(unit, radix: 16, uppercase: nonASCII == .upper)
                        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                }
            }
            return result
        }
        return [false, true].flatMap { slash in NonASCII.allCases.map { escape(slash: slash, nonASCII: $0) } }
    }

    /// `value` percent-encoded as a query or path would carry it: everything but unreserved characters
    /// (RFC 3986), in upper- and lowercase hex, and also with `+` for spaces (forms).
    static func percentEncoded(_ value: String) -> [String] {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        guard let upper = value.addingPercentEncoding(withAllowedCharacters: unreserved) else { return [] }
        var lower = ""
        var index = upper.startIndex
        while index < upper.endIndex {
            if upper[index] == "%", let end = upper.index(index, offsetBy: 3, limitedBy: upper.endIndex) {
                lower += upper[index..<end].lowercased()
                index = end
            } else {
                lower.append(upper[index])
                index = upper.index(after: index)
            }
        }
        return [upper, lower, upper.replacingOccurrences(of: "%20", with: "+")]
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
        case .invalidAnswer(let context, let problem):
            var problem = problem
            problem.value = self(problem.value)
            problem.rule = self(problem.rule)
            return .invalidAnswer(clean(context), problem)
        case .unknownEndpoint(let context, let baseURL): return .unknownEndpoint(clean(context), baseURL: self(baseURL))
        case .hostNotFound(let context, let host, let reason):
            return .hostNotFound(clean(context), host: self(host), reason: self(reason))
        case .deadlineExceeded(let context, let budget): return .deadlineExceeded(clean(context), budget: budget)
        case .createOutcomeUnknown(let context, let digest, let reason):
            return .createOutcomeUnknown(clean(context), digest: digest, reason: self(reason))
        case .predictionOutcomeUnknown(let context, let reason):
            return .predictionOutcomeUnknown(clean(context), reason: self(reason))
        case .cancelled(let context): return .cancelled(clean(context))
        case .configuration(let message): return .configuration(self(message))
        }
    }
}
