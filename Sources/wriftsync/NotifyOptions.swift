import ArgumentParser
import Foundation
import Logging
import Metrics
import Notifications

/// The flags of the sinks events go to, shared by `run` and `apply`.
struct NotifyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("POST each event as JSON to this URL (repeatable).", valueName: "url"))
    var notify: [String] = []

    @Option(name: .long, help: ArgumentHelp("File holding the HMAC secret --notify requests are signed with (X-WriftSync-Signature-256).", valueName: "file"))
    var notifySecretFile: String?

    @Option(name: .long, help: ArgumentHelp("Slack incoming-webhook URL events are posted to, as text.", valueName: "url"))
    var notifySlack: String?

    @Option(name: .long, help: ArgumentHelp("File holding the Slack incoming-webhook URL (its path is a secret).", valueName: "file"))
    var notifySlackFile: String?

    @Flag(name: .long, help: "Set a GitHub commit status (context wriftsync/<path>) on each commit applied or failed.")
    var githubStatus = false

    @Option(name: .long, help: ArgumentHelp("GitHub REST API base URL, for --github-status.", valueName: "url"))
    var githubApiUrl: String = "https://api.github.com"

    @Option(name: .long, help: ArgumentHelp("File holding the GitHub token for --github-status (repo:status, or a fine-grained token with commit statuses: write).", valueName: "file"))
    var githubTokenFile: String?

    @Option(name: .long, help: ArgumentHelp("owner/name of the repository on GitHub (default: from --repo).", valueName: "owner/name"))
    var githubRepository: String?

    @Option(name: .long, help: ArgumentHelp("How long a failure, warning or drift that has not changed stays quiet before it is sent again.", valueName: "duration"))
    var notifyRepeat: String = "1h"

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates (PEM) to trust for the sinks, added to the system's.", valueName: "file"))
    var notifyCaFile: String?

    @Flag(name: .long, help: "Allow plain http:// sink URLs on hosts that are not loopback (events, signatures and tokens would travel unencrypted).")
    var notifyInsecureHttp = false

    func validate() throws {
        if notifySlack != nil && notifySlackFile != nil {
            throw ValidationError("Give --notify-slack or --notify-slack-file, not both.")
        }
        if githubStatus && githubTokenFile == nil {
            throw ValidationError("--github-status needs --github-token-file.")
        }
        if notifySecretFile != nil && notify.isEmpty {
            throw ValidationError("--notify-secret-file signs --notify requests: give --notify URL too.")
        }
        if let githubRepository, GitHubStatusSink.Repository(githubRepository) == nil {
            throw ValidationError("--github-repository takes owner/name, such as acme/models.")
        }
        guard Self.duration(notifyRepeat) != nil else {
            throw ValidationError("--notify-repeat takes a duration such as 30m or 1h.")
        }
        for url in notify { try check(url, flag: "--notify") }
        if let notifySlack { try check(notifySlack, flag: "--notify-slack") }
        if githubStatus { try check(githubApiUrl, flag: "--github-api-url") }
    }

    private func check(_ url: String, flag: String) throws {
        do {
            try SinkURL.check(url, flag: flag, allowInsecureHTTP: notifyInsecureHttp)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// How long a standing condition stays quiet.
    var repeatAfter: Duration { Self.duration(notifyRepeat) ?? .seconds(3600) }

    /// `90s`, `30m`, `1h`, `1.5h`; `nil` for anything else.
    static func duration(_ text: String) -> Duration? {
        for (suffix, seconds) in [("s", 1.0), ("m", 60), ("h", 3600)] where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast()), value.isFinite, value > 0 { return .milliseconds(Int64(value * seconds * 1000)) }
        }
        return nil
    }

    /// The sinks these flags name, their secrets read. `repository` is the git URL (without credentials), for
    /// the GitHub repository when `--github-repository` is not given.
    func sinks(repository: String, path: String) throws -> [any NotificationSink] {
        var sinks: [any NotificationSink] = []
        let secret = try notifySecretFile.map { Array(try Self.secret($0, what: "the notification secret").utf8) }
        sinks += notify.map { WebhookSink(url: $0, secret: secret) }
        if let notifySlackFile {
            let url = try Self.secret(notifySlackFile, what: "the Slack webhook URL")
            do {
                try SinkURL.check(url, flag: "--notify-slack-file", allowInsecureHTTP: notifyInsecureHttp)
            } catch {
                throw SinkSetupError(description: "\(notifySlackFile): \(error.description)")
            }
            sinks.append(SlackSink(url: url))
        } else if let notifySlack {
            sinks.append(SlackSink(url: notifySlack))
        }
        if githubStatus, let githubTokenFile {
            let token = try Self.secret(githubTokenFile, what: "the GitHub token")
            let named = githubRepository.flatMap { GitHubStatusSink.Repository($0) } ?? GitHubStatusSink.Repository(gitURL: repository)
            guard let named else {
                let from = repository.isEmpty ? "without --repo" : "from \(repository)"
                throw SinkSetupError(description: "--github-status cannot tell the GitHub repository \(from): give --github-repository owner/name")
            }
            sinks.append(GitHubStatusSink(apiURL: githubApiUrl, repository: named, token: token, path: path))
        }
        return sinks
    }

    /// The notifier of these sinks, counting in `metricsFactory`; `nil` when no sink is configured.
    func notifier(repository: String, path: String, metricsFactory: (any MetricsFactory)?, logger: Logger) throws -> Notifier? {
        let sinks = try sinks(repository: repository, path: path)
        guard !sinks.isEmpty else { return nil }
        return Notifier(
            sinks: sinks, configuration: Notifier.Configuration(caFile: notifyCaFile), metrics: NotificationMetrics(factory: metricsFactory), logger: logger
        )
    }

    /// A secret file's content, trimmed; an unreadable or empty file is an error naming it.
    static func secret(_ path: String, what: String) throws -> String {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw SinkSetupError(description: "cannot read \(what) from \(path): \(error.localizedDescription)")
        }
        guard !text.isEmpty else { throw SinkSetupError(description: "\(what) file \(path) is empty") }
        return text
    }
}

/// A sink that cannot be set up (a secret file unreadable, a repository not on GitHub).
struct SinkSetupError: Error, CustomStringConvertible {
    let description: String
}
