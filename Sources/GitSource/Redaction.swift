import Foundation

/// Keeps secrets out of everything WriftSync prints: error messages, logs and URLs.
public enum Redaction {
    /// The placeholder that replaces a secret.
    public static let placeholder = "***"

    /// `text` with every occurrence of each secret (and its URL-encoded and Base64 forms) replaced.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var result = text
        // Longest first: one secret's form may contain another's (Base64 of `user:password` ends with the
        // Base64 of the password), and the whole must go, not just its tail.
        let forms = secrets.filter { $0.count >= 3 }.flatMap(forms(of:)).sorted { $0.count > $1.count }
        for form in forms where result.contains(form) {
            result = result.replacingOccurrences(of: form, with: placeholder)
        }
        return result
    }

    /// A URL with any `user:password@` userinfo replaced by `***@`, and the value of every query parameter by
    /// `***` (`?private_token=***`); other text is returned unchanged. Works on scp-like specs too, where only a
    /// password (never present there) would be secret.
    public static func redactURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let rest = redactQuery(afterScheme[authorityEnd...])
        guard let at = authority.lastIndex(of: "@") else {
            return String(text[..<authorityEnd]) + rest
        }
        let userinfo = authority[..<at]
        let redactedUserinfo: String
        if let colon = userinfo.firstIndex(of: ":") {
            redactedUserinfo = "\(userinfo[..<colon]):\(placeholder)"
        } else if text.lowercased().hasPrefix("http") {
            // A lone userinfo on http(s) is usually a token (https://TOKEN@host/...).
            redactedUserinfo = placeholder
        } else {
            redactedUserinfo = String(userinfo)
        }
        return String(text[..<schemeEnd.upperBound]) + redactedUserinfo + String(authority[at...]) + rest
    }

    /// Every `http://` or `https://` URL in `text` (up to white space or a quote) passed through ``redactURL(_:)``:
    /// for messages that quote a URL libgit2 or a server wrote.
    public static func redactURLs(in text: String) -> String {
        guard text.range(of: "://") != nil else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "http", options: .caseInsensitive) {
            let candidate = rest[start.lowerBound...]
            let lowered = candidate.prefix(8).lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                result += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                continue
            }
            let end = candidate.firstIndex(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" || $0 == "`" || $0 == ">" }) ?? candidate.endIndex
            result += rest[..<start.lowerBound]
            result += redactURL(String(candidate[..<end]))
            rest = candidate[end...]
        }
        return result + rest
    }

    /// `rest` (a URL's path, query and fragment) with each query parameter's value replaced: a host that takes
    /// a token in the query (`?private_token=…`) must not see it printed.
    private static func redactQuery(_ rest: Substring) -> String {
        guard let question = rest.firstIndex(of: "?") else { return String(rest) }
        let queryEnd = rest[question...].firstIndex(of: "#") ?? rest.endIndex
        let query = rest[rest.index(after: question)..<queryEnd]
        guard !query.isEmpty else { return String(rest) }
        let redacted = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
            guard let equals = parameter.firstIndex(of: "=") else { return parameter.isEmpty ? "" : placeholder }
            return "\(parameter[..<equals])=\(placeholder)"
        }.joined(separator: "&")
        return String(rest[...question]) + redacted + String(rest[queryEnd...])
    }

    private static func forms(of secret: String) -> [String] {
        var forms = [secret]
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed), encoded != secret {
            forms.append(encoded)
        }
        // As an HTTP Basic `Authorization` header carries it.
        forms.append(Data(secret.utf8).base64EncodedString())
        return forms
    }
}
