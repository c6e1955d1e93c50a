import Foundation
import WriftAIModels

/// The server's words in an error answer, whatever their shape: the API's `{"detail": "…"}` and 422
/// `{"detail": [issues]}`, but also a `detail` that is an object or a list of something else, JSON without
/// a `detail`, an HTML page from a proxy, or nothing. Always one line, escaped, and cut short.
struct ErrorDetail: Sendable {
    /// How many characters of the server's text a message shows.
    static let limit = 300
    /// How many 422 issues are kept; the rest are counted.
    static let maxIssues = 20

    /// The text for messages, `nil` for an empty body.
    var text: String?
    /// A 422's issues, when `detail` is a list of them.
    var issues: [ValidationIssue] = []
    /// Whether the answer is the API's own "model not found" or "model version not found" (a JSON string
    /// `detail` naming a model or version), as opposed to a 404 from outside the API, such as a path the
    /// server does not have (`{"detail": "Not Found"}`) or a proxy's page.
    var isAPINotFound = false

    /// Reads `body`; `redact` runs on the server's text before it is cut short, so that a token echoed
    /// by the server is never shown, not even in part.
    init(body: [UInt8], redact: Redactor) {
        guard !body.isEmpty else { return }
        let data = Data(body)
        let object = (try? JSONDecoder().decode(JSONValue.self, from: data))?.objectValue
        guard let object else {
            let text = redact(String(decoding: body.prefix(Self.limit * 4 + 4096), as: UTF8.self))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            self.text = text.isEmpty ? nil : EscapedText.escaped(text, limit: Self.limit)
            return
        }
        guard let detail = object["detail"] else {
            text = Self.compact(.object(object), redact: redact)
            return
        }
        switch detail {
        case .string(let message):
            text = EscapedText.escaped(redact(message), limit: Self.limit)
            let lowered = message.lowercased()
            isAPINotFound = lowered.contains("not found") && (lowered.contains("model") || lowered.contains("version") || lowered.contains("prediction"))
        case .array:
            guard let all = (try? JSONDecoder().decode(ValidationErrorResponse.self, from: data))?.detail else {
                text = Self.compact(detail, redact: redact)
                return
            }
            issues = all.prefix(Self.maxIssues).map { issue in
                var issue = issue
                issue.msg = EscapedText.escaped(redact(issue.msg), limit: Self.limit)
                issue.loc = issue.loc.map { component in
                    if case .key(let key) = component { return .key(EscapedText.escaped(redact(key), limit: 80)) }
                    return component
                }
                return issue
            }
            if all.count > Self.maxIssues {
                issues.append(
                    ValidationIssue(loc: [], msg: "and \(all.count - Self.maxIssues) more issues", type: "truncated"))
            }
            text = issues.map { "\($0.path): \($0.msg)" }.joined(separator: "; ")
        default:
            text = Self.compact(detail, redact: redact)
        }
    }

    /// A JSON value as one line of compact JSON, escaped and cut short.
    private static func compact(_ value: JSONValue, redact: Redactor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "(unprintable)"
        return EscapedText.escaped(redact(text), limit: limit)
    }
}
