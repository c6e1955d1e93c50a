import Planner
import WriftAIModels

/// The one-line renderings of apply results, printed as each change completes.
public enum ApplyText {
    /// `+ created acme/sentiment #12 sha256:ab12cd34ef56…`, `~ configured …`, `- deleted …`,
    /// `! failed to create …: why`, `  skipped delete …: why`.
    public static func line(_ result: ActionResult) -> String {
        let subject = subject(result)
        switch result.outcome {
        case .created: return "+ created \(subject)"
        case .configured: return "~ configured \(subject)"
        case .deleted: return "- deleted \(subject)" + duplicateNote(result)
        case .alreadyDeleted: return "- deleted \(subject) (already gone)" + duplicateNote(result)
        case .failed where result.isDuplicateCheck && result.duplicateOf == nil:
            return "! failed to check \(result.model.description) for duplicates made by another apply running at the "
                + "same time: \(sanitized(result.error ?? "unknown error"))"
        case .failed: return "! failed to \(verb(result.action)) \(subject): \(sanitized(result.error ?? "unknown error"))"
        case .skipped: return "  skipped \(verb(result.action)) \(subject): \(sanitized(result.error ?? "not attempted"))"
        case .tested: return "✓ tested \(subject): its smoke tests passed"
        case .untested: return "  not tested \(subject): \(sanitized(result.error ?? "the smoke tests are off"))"
        case .rolledBack: return "↩ rolled back \(subject): \(sanitized(result.error ?? "its smoke tests failed"))"
        }
    }

    /// Why a delete that was not planned happened.
    static func duplicateNote(_ result: ActionResult) -> String {
        guard let kept = result.duplicateOf else { return "" }
        if let number = result.number, number > kept {
            // Only a digest rolled back has its later copies removed.
            return " (a later copy of #\(kept), which failed its smoke tests and was rolled back: made by a send whose answer "
                + "was lost, or by another apply)"
        }
        return " (an older duplicate of #\(kept), created by another apply running at the same time, or by a send whose answer was lost)"
    }

    /// `acme/sentiment #12 sha256:ab12cd34ef56…`, or without the number when there is none yet.
    static func subject(_ result: ActionResult) -> String {
        var text = result.model.description
        if let number = result.number { text += " #\(number)" }
        return text + " " + result.containerImageDigest.abbreviated
    }

    static func verb(_ action: ChangeAction) -> String {
        switch action {
        case .create: "create"
        case .updateConfiguration: "configure"
        case .delete: "delete"
        case .smokeTest: "smoke-test"
        }
    }

    /// `text` with control characters escaped, so an error message from a server cannot drive the
    /// terminal or break a line.
    public static func sanitized(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
