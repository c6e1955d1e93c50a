import Foundation
import WriftAIModels

/// Why an answer did not decode, in words: the field and what was wrong with it, rather than Foundation's
/// "The given data was not valid JSON." — which it says alike for a truncated body, JSON nested too deep,
/// and a decimal where a whole number belongs.
struct AnswerDiagnosis: Sendable {
    /// A number where the API has whole numbers: its field and its text.
    struct BadNumber: Sendable {
        var field: String
        var text: String
    }

    /// The account of the failure, for ``WriftAIError/decoding(_:reason:)``.
    let reason: String
    /// A version number that is not a whole number in range, found in otherwise valid JSON.
    let badNumber: BadNumber?

    /// Diagnoses `error`; `redact` runs on any of the server's text before it is cut short.
    init(body: [UInt8], error: any Error, redact: Redactor) {
        guard let decodingError = error as? DecodingError else {
            reason = String(describing: error)
            badNumber = nil
            return
        }
        if case .dataCorrupted(let context) = decodingError, context.codingPath.isEmpty {
            (reason, badNumber) = Self.diagnoseSyntax(body, redact: redact)
            return
        }
        reason = Self.explain(decodingError, redact: redact)
        badNumber = nil
    }

    /// A problem for ``WriftAIError/invalidAnswer(_:_:)`` when the failure is a version number that cannot
    /// be one; `nil` for other failures.
    func problem(model: String) -> AnswerProblem? {
        guard let badNumber, badNumber.field == "number" || badNumber.field.hasSuffix(".number") else { return nil }
        return AnswerProblem(
            model: model, field: badNumber.field, value: badNumber.text,
            rule: "must be a whole number from 1 to 2^53 (version numbers are)")
    }

    /// Foundation's decoder refuses, with one message and no position, JSON that is not JSON at all, JSON
    /// nested deeper than 512 levels, and numbers that do not fit the field's integer type; tell them apart.
    private static func diagnoseSyntax(_ body: [UInt8], redact: Redactor) -> (String, BadNumber?) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            let detail = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            if detail.contains("Too many nested") {
                return ("the answer nests arrays or objects more than 512 levels deep (\(detail)); no API answer does", nil)
            }
            let start = redact(String(decoding: body.prefix(4096), as: UTF8.self))
            return ("not valid JSON: \(detail); it begins \(EscapedText.quoted(start, limit: 60))", nil)
        }
        if let bad = firstNonIntegralNumber(in: parsed, path: "") {
            return ("\(bad.field) is \(bad.text), which must be a whole number", bad)
        }
        return ("a number in the answer does not fit the field it is in", nil)
    }

    /// The first number under a key the API uses for whole numbers (`number`, `size`) that is not a
    /// whole number within 64 bits, depth first.
    private static func firstNonIntegralNumber(in value: Any, path: String) -> BadNumber? {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                if key == "number" || key == "size", let number = object[key] as? NSNumber, !(object[key] is Bool) {
                    let double = number.doubleValue
                    let text = number.stringValue
                    let whole = !text.contains(".") && !text.lowercased().contains("e") && Int64(text) != nil
                    if !whole || double.rounded() != double {
                        return BadNumber(field: field, text: text)
                    }
                }
                if let found = firstNonIntegralNumber(in: object[key] as Any, path: field) { return found }
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = firstNonIntegralNumber(in: element, path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    /// A short account of a typed decoding failure: what was wrong, and where.
    private static func explain(_ error: DecodingError, redact: Redactor) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case .valueNotFound(let type, let context):
            return "expected \(type) at \(path(context.codingPath)), found null"
        case .dataCorrupted(let context):
            // Foundation's message quotes the server's value: redacted before it is cut, or a token cut in
            // half would no longer be found, and its first part shown.
            return "\(EscapedText.escaped(redact(context.debugDescription), limit: 200)) at \(path(context.codingPath))"
        @unknown default:
            return String(describing: error)
        }
    }
}
