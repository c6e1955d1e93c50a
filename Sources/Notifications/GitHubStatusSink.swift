import Foundation
import GitSource

/// `--github-status`: a commit status on the commit reconciled, through the GitHub REST API
/// (`POST /repos/{owner}/{repo}/statuses/{sha}`), context `wriftsync/<path>`. `success` when it was
/// applied (or drift corrected, or reconciles recovered), `failure` when it stalled or was refused, `pending`
/// while a transient or partial failure is retried. Warnings and standing drift set no status.
public struct GitHubStatusSink: NotificationSink {
    /// A repository on GitHub, `owner/name`.
    public struct Repository: Sendable, Equatable, CustomStringConvertible {
        /// The owner (user or organisation).
        public let owner: String
        /// The repository's name.
        public let name: String

        /// `owner/name`, checked: two non-empty parts of letters, digits, `-`, `_` and `.`.
        public init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts.allSatisfy(Self.isName) else { return nil }
            owner = parts[0]
            name = parts[1]
        }

        /// The repository a git URL names: the last two components of its path, without `.git`
        /// (`https://github.com/acme/models.git`, `git@github.com:acme/models.git`, `ssh://…/acme/models`).
        public init?(gitURL: String) {
            var path = gitURL
            if let range = path.range(of: "://") {
                let rest = path[range.upperBound...]
                path = String(rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...])
            } else if let colon = path.firstIndex(of: ":"), !path.hasPrefix("/") {
                path = String(path[path.index(after: colon)...])
            } else {
                return nil
            }
            var components = path.split(separator: "/").map(String.init)
            if components.last?.hasSuffix(".git") == true { components[components.count - 1].removeLast(4) }
            guard components.count >= 2 else { return nil }
            self.init(components.suffix(2).joined(separator: "/"))
        }

        private static func isName(_ part: String) -> Bool {
            !part.isEmpty && part != "." && part != ".." && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        }

        public var description: String { "\(owner)/\(name)" }
    }

    /// The most characters GitHub takes in a status description.
    public static let maxDescription = 140

    /// The API's base URL, without a trailing `/`.
    public let apiURL: String
    /// The repository statuses are set on.
    public let repository: Repository
    /// The status context, `wriftsync/<path>`.
    public let context: String
    private let token: String

    /// A sink setting statuses on `repository` through `apiURL` with `token`; the context names `path`.
    public init(apiURL: String, repository: Repository, token: String, path: String) {
        var base = apiURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiURL = base
        self.repository = repository
        self.token = token
        let directory = path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
        context = "wriftsync/\(directory.isEmpty ? "." : directory)"
    }

    public var kind: String { "github" }
    public var displayName: String { "github \(SinkURL.origin(apiURL)) \(repository)" }

    /// The status an event sets, or `nil` for one that sets none.
    public static func state(of event: ReconcileEvent) -> String? {
        switch event.type {
        case .applied, .driftCorrected, .recovered: "success"
        case .refused, .rolledBack: "failure"
        case .smokeSkipped: nil
        case .failed: event.failure?.failureClass == .stalled ? "failure" : "pending"
        case .warning, .driftDetected: nil
        }
    }

    /// What the status says, short: `applied: 1 created, 1 deleted`, `stalled failure in load: …`, `recovered`.
    static func description(of event: ReconcileEvent) -> String {
        switch event.type {
        case .applied, .driftCorrected:
            let actions = event.actions ?? []
            let counts = ["created", "configured", "deleted", "already_deleted", "failed", "skipped"].compactMap { outcome -> String? in
                let count = actions.count { $0.outcome.rawValue == outcome }
                return count > 0 ? "\(count) \(outcome.replacingOccurrences(of: "_", with: " "))" : nil
            }
            let what = event.type == .applied ? "applied" : "drift corrected"
            return counts.isEmpty ? what : "\(what): " + counts.joined(separator: ", ")
        case .recovered:
            return "recovered: reconciles succeed again"
        case .rolledBack, .smokeSkipped:
            return event.summary
        case .failed, .refused, .warning, .driftDetected:
            guard let failure = event.failure else { return event.summary }
            let rail = event.rail.map { "refused by \($0.rawValue)" } ?? "\(failure.failureClass.rawValue) failure in \(failure.stage.rawValue)"
            return "\(rail): \(failure.message)"
        }
    }

    /// The status request for an event with a commit and a state; no token ever in the body.
    public func request(for event: ReconcileEvent) throws -> DeliveryRequest? {
        guard !event.dryRun, let commit = event.commit, let state = Self.state(of: event) else { return nil }
        var description = Self.description(of: event)
        // Counted in code points, as GitHub counts: by characters, emoji sequences and combining marks made a
        // description GitHub refuses (422, never retried), and the status was lost.
        if description.unicodeScalars.count > Self.maxDescription {
            description = String(String.UnicodeScalarView(description.unicodeScalars.prefix(Self.maxDescription - 1))) + "…"
        }
        let body: [String: String] = ["state": state, "context": context, "description": description]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return DeliveryRequest(
            url: "\(apiURL)/repos/\(repository.owner)/\(repository.name)/statuses/\(commit.id)",
            headers: ["Authorization": "Bearer \(token)", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"],
            body: Array(try encoder.encode(body))
        )
    }
}
