import Foundation

/// `--notify-slack URL`: Slack incoming-webhook payloads, `{"text": …}` — the event's one-line summary, then
/// one line per change, drift or problem, readable as plain text in a channel or a notification.
public struct SlackSink: NotificationSink {
    /// The most lines listed under the summary; the rest are counted.
    public static let maxLines = 15

    /// The incoming-webhook URL (its path is a secret: never logged).
    public let url: String

    /// A sink posting to `url`.
    public init(url: String) {
        self.url = url
    }

    public var kind: String { "slack" }
    public var displayName: String { "slack \(SinkURL.origin(url))" }

    /// Every event, as text.
    public func request(for event: ReconcileEvent) throws -> DeliveryRequest? {
        let payload = ["text": Self.text(event)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return DeliveryRequest(url: url, body: Array(try encoder.encode(payload)))
    }

    /// The message: a marker and the summary, then the details, escaped as Slack wants (`&`, `<`, `>`).
    public static func text(_ event: ReconcileEvent) -> String {
        var lines = ["\(marker(event.type)) *\(event.type.rawValue)*: \(escape(event.summary))"]
        var details: [String] = []
        for action in event.actions ?? [] {
            let number = action.number.map { " #\($0)" } ?? ""
            let error = action.error.map { ": \($0)" } ?? ""
            details.append("• \(action.model)\(number) \(action.action.rawValue) → \(action.outcome.rawValue) (\(shortDigest(action.digest)))\(error)")
        }
        for drift in event.drift ?? [] {
            let number = drift.number.map { " #\($0)" } ?? ""
            details.append("• \(drift.model)\(number): \(drift.reason)")
        }
        for problem in event.failure?.problems ?? [] { details.append("• \(problem)") }
        if details.count > maxLines {
            let more = details.count - maxLines
            details = Array(details.prefix(maxLines)) + ["… and \(more) more"]
        }
        lines += details.map(escape)
        if let commit = event.commit, let author = commit.author {
            lines.append(escape("commit \(commit.short) by \(author.name) <\(author.email)>, \(event.ref ?? "") in \(event.repository) (\(event.path))"))
        } else if let commit = event.commit {
            lines.append(escape("commit \(commit.short), \(event.ref ?? "") in \(event.repository) (\(event.path))"))
        }
        return lines.joined(separator: "\n")
    }

    private static func marker(_ type: EventType) -> String {
        switch type {
        case .applied, .driftCorrected, .recovered: ":white_check_mark:"
        case .failed, .refused, .rolledBack: ":x:"
        case .warning, .driftDetected, .smokeSkipped: ":warning:"
        }
    }

    private static func shortDigest(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? "sha256:" + digest.dropFirst(7).prefix(12) + "…" : digest
    }

    /// Slack's three control characters, escaped as its docs say.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
