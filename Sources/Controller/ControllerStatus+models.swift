import Applier
import Foundation
import Pipeline
import Planner

/// The state of one model at a glance, as the status page shows it (with a colour and this word).
public enum ModelState: String, Sendable, Codable, CaseIterable, Comparable {
    /// The live versions match the declarations: nothing left to apply, nothing held back.
    case inSync = "in_sync"
    /// The plan warned about something a person should look at (the latest version is not the last
    /// declared one, a quarantined digest), but nothing is left to apply.
    case warning
    /// The live state differs from git and the last reconcile left it so: a dry run, a refused plan,
    /// immutable drift, a create held back.
    case drifted
    /// Changes of the model failed in the last apply (or were rolled back by the release gate).
    case failing

    /// The word shown.
    public var word: String {
        switch self {
        case .inSync: "in sync"
        case .warning: "warning"
        case .drifted: "drifted"
        case .failing: "failing"
        }
    }

    /// How bad it is: the page's overall state is the worst of its models'.
    var severity: Int {
        switch self {
        case .inSync: 0
        case .warning: 1
        case .drifted: 2
        case .failing: 3
        }
    }

    public static func < (lhs: ModelState, rhs: ModelState) -> Bool { lhs.severity < rhs.severity }
}

extension ControllerStatus {
    /// The latest live version of a model.
    public struct LatestVersion: Sendable, Codable, Equatable {
        /// Its number.
        public var number: Int
        /// Its image digest.
        public var containerImageDigest: String
        /// Its release notes (cut at 500 characters).
        public var releaseNotes: String
        /// Whether it is the last declared version, as it should be.
        public var isLastDeclared: Bool

        enum CodingKeys: String, CodingKey {
            case number
            case containerImageDigest = "container_image_digest"
            case releaseNotes = "release_notes"
            case isLastDeclared = "is_last_declared"
        }
    }

    /// The last change applied to a model.
    public struct LastChange: Sendable, Codable, Equatable {
        /// When the reconcile that made it finished.
        public var at: Date
        /// The commit applied.
        public var commit: String?
        /// Its author.
        public var author: String?
        /// Its subject.
        public var subject: String?
        /// What was done: `created #3, deleted #1`.
        public var summary: String
    }

    /// A commit's author and subject.
    public struct CommitSummary: Sendable, Codable, Equatable {
        /// The author's name.
        public var author: String
        /// The first line of the message.
        public var subject: String
    }

    /// Keeps the author and subject of the report's commit, and of the commits applied and attempted
    /// before it (a handful at most).
    mutating func remember(_ report: ReconcileReport) {
        guard let commit = report.commit, let details = report.commitDetails else { return }
        commits[commit] = CommitSummary(author: details.author.name, subject: details.subject)
        if commits.count > 4 {
            let keep: Set<String?> = [commit, lastAppliedCommit, lastAttemptedCommit]
            commits = commits.filter { keep.contains($0.key) }
        }
    }

    /// The model rows' details of one finished reconcile: counts, latest version, last change and state, for
    /// every model it planned. `previous` is the models' status before the reconcile (for since-when and the
    /// last change of a model this reconcile did not change).
    mutating func mergeObservations(_ report: ReconcileReport, previous: [String: ModelStatus], at now: Date) {
        let actions = Dictionary(grouping: report.applyResult?.actions ?? [], by: \.model.description)
        let refusedLatest: Set<String> = if case let .latestMoved(models) = report.failure?.cause { Set(models.map(\.description)) } else { [] }
        let observed = Dictionary(report.observations.map { ($0.model.description, $0) }, uniquingKeysWith: { first, _ in first })
        for model in report.plannedModels.map(\.description) {
            guard var status = models[model] else { continue }
            let modelActions = actions[model] ?? []
            let failed = modelActions.filter { !$0.outcome.isDone }
            let before = previous[model]
            status.state = before?.state
            status.stateSince = before?.stateSince
            status.lastError = failed.first { $0.error != nil }.flatMap(\.error)
                ?? (refusedLatest.contains(model) ? report.failure?.description : nil)
            if let observation = observed[model] {
                status.declaredVersions = observation.declared.count
                status.liveVersions = observation.live.count
                status.latest = observation.latest.map {
                    LatestVersion(
                        number: $0.number, containerImageDigest: $0.containerImageDigest.value, releaseNotes: $0.releaseNotes,
                        isLastDeclared: observation.latestIsLastDeclared
                    )
                }
                observations[model] = observation
            }
            let done = modelActions.filter { $0.outcome.isDone || $0.outcome == .rolledBack }
            if done.isEmpty {
                status.lastChange = before?.lastChange
            } else {
                status.lastChange = LastChange(
                    at: now, commit: report.commit, author: report.commitDetails?.author.name, subject: report.commitDetails?.subject,
                    summary: Self.summary(done)
                )
            }
            models[model] = status
        }
    }

    /// Each model's state, from its conditions (the worst that holds: failing, then drifted or not in sync,
    /// then warning); its `since` moves only when it changes.
    mutating func updateStates(now: Date) {
        for (model, var status) in models {
            let state: ModelState =
                if status.isTrue(.failing) { .failing }
                else if status.isTrue(.drifted) || !status.isTrue(.inSync) { .drifted }
                else if status.isTrue(.warning) { .warning }
                else { .inSync }
            guard status.state != state else { continue }
            status.state = state
            status.stateSince = now
            models[model] = status
        }
    }

    /// `created #3, deleted #1`: the changes in the plan's order, the first 10 and how many more.
    static func summary(_ actions: [ActionResult]) -> String {
        let words = actions.map { action -> String in
            let number = action.number.map { " #\($0)" } ?? ""
            switch action.outcome {
            case .created: return "created\(number)"
            case .configured: return "configured\(number)"
            case .deleted, .alreadyDeleted: return action.duplicateOf != nil ? "removed duplicate\(number)" : "deleted\(number)"
            case .tested: return "tested\(number)"
            case .untested: return "not tested\(number)"
            case .rolledBack: return "rolled back\(number)"
            case .failed: return "failed\(number)"
            case .skipped: return "skipped\(number)"
            }
        }
        let shown = words.prefix(10).joined(separator: ", ")
        return words.count > 10 ? shown + " and \(words.count - 10) more" : shown
    }

    /// The worst state of the models and the loop: `failing` while reconciles fail, then the worst model's;
    /// `nil` before the first reconcile finished.
    public var overallState: ModelState? {
        if lastFailure != nil { return .failing }
        guard reconciles > 0 else { return nil }
        return models.values.compactMap(\.state).max() ?? .inSync
    }
}
