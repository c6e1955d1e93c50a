import Foundation
import Pipeline
import Planner

/// Keeps a controller from repeating itself: a failure (or refusal) that every interval finds again is sent
/// once, then again only when it changes (stage, class, message or commit) or after `repeatAfter`; when reconciles
/// succeed again a `recovered` event says so. Standing warnings and standing drift are throttled the same
/// way. `applied` and `drift_corrected` always go out. Pure but for its memory: the time is given.
public struct EventThrottle: Sendable {
    /// How long a condition that has not changed stays quiet (`--notify-repeat`).
    public var repeatAfter: Duration

    struct Sent: Sendable, Codable, Equatable {
        var fingerprint: String
        var at: Date
        var event: ReconcileEvent
    }

    /// What was last sent, by condition: `failure`, `drift`, `warning <model> <kind> <number>`.
    private var sent: [String: Sent] = [:]

    /// What the throttle remembers, for a process that ends after one reconcile (`run --once`) to hand to the
    /// next: without it a standing failure went out on every run of a CronJob, and no `recovered` ever did.
    public struct Memory: Sendable, Codable, Equatable {
        var sent: [String: Sent]
        /// The format this build writes; a memory of another is not read.
        var formatVersion = 1

        enum CodingKeys: String, CodingKey {
            case sent
            case formatVersion = "format_version"
        }
    }

    /// The memory to carry to the next process.
    public var memory: Memory {
        get { Memory(sent: sent) }
        set { sent = newValue.formatVersion == 1 ? newValue.sent : [:] }
    }

    /// A throttle repeating a standing condition every `repeatAfter`.
    public init(repeatAfter: Duration = .seconds(3600)) {
        self.repeatAfter = repeatAfter
    }

    /// The events of `outcome` to send now, given `events` (``EventBuilder``'s), and a `recovered` event
    /// when a failure cleared.
    public mutating func filter(_ events: [ReconcileEvent], of outcome: ReconcileOutcome, now: Date) -> [ReconcileEvent] {
        var kept: [ReconcileEvent] = []
        let report = outcome.report
        if report.failure == nil && !outcome.waitingOnStalled, let failed = sent.removeValue(forKey: "failure") {
            var event = failed.event
            event.id = UUID().uuidString.lowercased()
            event.type = .recovered
            event.time = outcome.finishedAt
            event.trigger = outcome.trigger
            event.dryRun = outcome.dryRun
            event.rail = nil
            event.actions = nil
            event.warning = nil
            event.drift = nil
            // The commit reconciled now, with its author and subject when this reconcile read them.
            if let current = events.first?.commit {
                event.commit = current
                event.ref = events.first?.ref
            } else if let commit = report.commit, commit != failed.event.commit?.id {
                event.commit = ReconcileEvent.Commit(id: commit)
            }
            let cleared = failed.event.type == .refused ? "refusal" : "failure"
            event.summary = "\(event.repository) recovered at \(EventBuilder.commitText(event.commit)): the \(cleared) "
                + "(\(failed.event.failure?.message ?? "unknown")) cleared"
            kept.append(event)
        }
        if report.planned != nil {
            // The models planned say which warnings still stand; a warning gone may come back as new.
            let planned = Set(report.plannedModels.map(\.description))
            let standing = Set(report.warnings.map(Self.key))
            let warned = sent.keys.filter { $0.hasPrefix("warning ") }.map { key in
                (key, String(key.dropFirst("warning ".count).split(separator: " ").first ?? ""))
            }
            // A model no longer declared keeps no warning: its keys would otherwise stay for the process's life.
            let gone = Set(report.noLongerDeclared(among: Set(warned.map(\.1))))
            for (key, model) in warned where gone.contains(model) || (planned.contains(model) && !standing.contains(key)) {
                sent.removeValue(forKey: key)
            }
            // Only a full reconcile sees every model: one finding no drift (or correcting it) clears it.
            if outcome.full, report.failure == nil, report.driftedModels.isEmpty || report.applyResult?.succeeded == true {
                sent.removeValue(forKey: "drift")
            }
        }
        for event in events {
            let key: String
            let fingerprint: String
            switch event.type {
            case .applied, .driftCorrected, .recovered, .rolledBack, .smokeSkipped:
                kept.append(event)
                continue
            case .failed, .refused:
                key = "failure"
                let failure = event.failure
                // The commit too: most messages do not name it, and a new commit refused for the same reason is
                // news (its own event, and its own GitHub status: silence there reads as success).
                fingerprint = [
                    event.type.rawValue, failure?.stage.rawValue ?? "", failure?.failureClass.rawValue ?? "", failure?.message ?? "",
                    event.commit?.id ?? "",
                ].joined(separator: "\u{1F}")
            case .warning:
                guard let warning = event.warning else { continue }
                key = "warning \(warning.model) \(warning.kind.rawValue) \(warning.number.map(String.init) ?? "-")"
                fingerprint = warning.message
            case .driftDetected:
                key = "drift"
                fingerprint = (event.drift ?? []).map { "\($0.model) \($0.action?.rawValue ?? "-") \($0.number ?? -1) \($0.digest ?? "") \($0.reason)" }
                    .sorted().joined(separator: "\u{1F}")
            }
            if let previous = sent[key], previous.fingerprint == fingerprint, now.timeIntervalSince(previous.at) < repeatAfter.seconds {
                continue
            }
            sent[key] = Sent(fingerprint: fingerprint, at: now, event: event)
            kept.append(event)
        }
        return kept
    }

    private static func key(_ warning: PlanWarning) -> String {
        "warning \(warning.model) \(warning.kind.rawValue) \(warning.number.map(String.init) ?? "-")"
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
