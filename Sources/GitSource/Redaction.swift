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

    /// A URL with any `user:password@` userinfo replaced by `***@`; other text is returned unchanged.
    /// Works on scp-like specs too, where only a password (never present there) would be secret.
    public static func redactURL(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let afterScheme = text[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userinfo = authority[..<at]
        let redactedUserinfo: String
        if let colon = userinfo.firstIndex(of: ":") {
            redactedUserinfo = "\(userinfo[..<colon]):\(placeholder)"
        } else if text.lowercased().hasPrefix("http") {
            // A lone userinfo on http(s) is usually a token (https://TOKEN@host/...).
            redactedUserinfo = placeholder
        } else {
            return text
        }
        return String(text[..<schemeEnd.upperBound]) + redactedUserinfo + String(afterScheme[at...])
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
