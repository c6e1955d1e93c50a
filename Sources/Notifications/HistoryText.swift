import Foundation

/// `wriftsync history` as text: a line per record (time, result, commit, subject, author, trigger), then a
/// line per change, warning or failure under it.
public enum HistoryText {
    /// The text of `records`, oldest first; with `model`, only that model's changes and warnings are listed
    /// under each record.
    public static func render(_ records: [HistoryRecord], model: String? = nil) -> String {
        let formatter = ISO8601DateFormatter()
        var text = ""
        for record in records {
            var head = "\(formatter.string(from: record.time))  \(record.result.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  "
            if let commit = record.commit {
                head += commit.short
                if let subject = commit.subject, !subject.isEmpty { head += " \"\(subject)\"" }
                if let author = commit.author { head += " by \(author.name) <\(author.email)>" }
            } else {
                head += "(no commit)"
            }
            head += "  [\(record.trigger.rawValue)\(record.dryRun ? ", dry run" : ""), \(format(record.durationSeconds)) s]"
            text += head + "\n"
            for action in record.actions where model == nil || action.model == model {
                let number = action.number.map { " #\($0)" } ?? ""
                let error = action.error.map { ": \($0)" } ?? ""
                text += "    \(symbol(action.action.rawValue)) \(action.model)\(number) \(action.outcome.rawValue) \(shortDigest(action.digest))\(error)\n"
            }
            if !record.drifted.isEmpty { text += "    drifted outside git: \(record.drifted.joined(separator: ", "))\n" }
            for warning in record.warnings where model == nil || warning.model == model {
                text += "    ! \(warning.model): \(warning.kind.rawValue): \(warning.message)\n"
            }
            if let failure = record.failure {
                let rail = record.rail.map { ", rail \($0.rawValue)" } ?? ""
                text += "    error (\(failure.failureClass.rawValue) in \(failure.stage.rawValue)\(rail)): \(failure.message)\n"
                for problem in failure.problems ?? [] { text += "      \(problem)\n" }
            }
        }
        return text
    }

    private static func symbol(_ action: String) -> String {
        switch action {
        case "create": "+"
        case "delete": "-"
        default: "~"
        }
    }

    private static func shortDigest(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? "sha256:" + digest.dropFirst(7).prefix(12) + "…" : digest
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.2f", seconds)
    }
}
