import Applier
import Foundation
import Pipeline
import Planner

/// One line of `history.jsonl`: a reconcile or an `apply` that changed something, failed or was refused.
public struct HistoryRecord: Sendable, Codable, Equatable {
    /// The only format version this build writes.
    public static let formatVersion = 1

    /// How it ended.
    public enum Result: String, Sendable, Codable, CaseIterable {
        /// Every change planned was applied.
        case applied
        /// It failed (some changes may have been applied: see the actions).
        case failed
        /// A rail refused the plan; nothing was applied.
        case refused
    }

    /// The plan's counts.
    public struct PlanCounts: Sendable, Codable, Equatable {
        /// Versions to create.
        public var create: Int
        /// Configurations to update.
        public var update: Int
        /// Versions to delete.
        public var delete: Int
        /// Warnings.
        public var warnings: Int
        /// Versions whose smoke tests were left to run (`smoke_test`, only when there are any).
        public var smokeTest: Int

        /// Creates counts.
        public init(create: Int, update: Int, delete: Int, warnings: Int, smokeTest: Int = 0) {
            self.create = create
            self.update = update
            self.delete = delete
            self.warnings = warnings
            self.smokeTest = smokeTest
        }

        /// Every change counted: a smoke test left to run is one.
        public var changes: Int { create + update + delete + smokeTest }

        enum CodingKeys: String, CodingKey {
            case warnings
        }

        /// The counts of changes, as `ChangeCounts` reads and writes them (`smoke_test` only when there are any),
        /// beside `warnings`.
        public init(from decoder: any Decoder) throws {
            let changes = try ChangeCounts(from: decoder)
            self.init(
                create: changes.create, update: changes.update, delete: changes.delete,
                warnings: try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .warnings), smokeTest: changes.smokeTest
            )
        }

        public func encode(to encoder: any Encoder) throws {
            try ChangeCounts(create: create, update: update, delete: delete, smokeTest: smokeTest).encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(warnings, forKey: .warnings)
        }
    }

    /// Always ``formatVersion``.
    public var formatVersion: Int
    /// When it finished.
    public var time: Date
    /// What started it: `start`, `tick`, `drift_interval`, `webhook`, `retry`, `cli`.
    public var trigger: ReconcileTrigger
    /// How it ended.
    public var result: Result
    /// Whether it only reported.
    public var dryRun: Bool
    /// The repository (never with credentials).
    public var repository: String
    /// The ref resolved.
    public var ref: String?
    /// The directory of declarations.
    public var path: String
    /// The commit, with its author, committer and subject when git had them.
    public var commit: ReconcileEvent.Commit?
    /// The plan's counts, when a plan was made.
    public var plan: PlanCounts?
    /// Each change and how it ended.
    public var actions: [ReconcileEvent.Action]
    /// The plan's warnings.
    public var warnings: [ReconcileEvent.Warning]
    /// The models that differed from git outside it (drift corrected or found).
    public var drifted: [String]
    /// Every model the record concerns (changed, warned about, drifted, or named by the failure), sorted.
    public var models: [String]
    /// Why it failed.
    public var failure: ReconcileEvent.Failure?
    /// The rail that refused it.
    public var rail: ReconcileEvent.Rail?
    /// How long it took, in seconds.
    public var durationSeconds: Double
    /// Versions with smoke tests were created without running them (`--skip-smoke`, for emergencies).
    public var smokeSkipped: Bool

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case time, trigger, result
        case dryRun = "dry_run"
        case repository, ref, path, commit, plan, actions, warnings, drifted, models, failure, rail
        case durationSeconds = "duration_s"
        case smokeSkipped = "smoke_skipped"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        time = try container.decode(Date.self, forKey: .time)
        trigger = try container.decode(ReconcileTrigger.self, forKey: .trigger)
        result = try container.decode(Result.self, forKey: .result)
        dryRun = try container.decode(Bool.self, forKey: .dryRun)
        repository = try container.decode(String.self, forKey: .repository)
        ref = try container.decodeIfPresent(String.self, forKey: .ref)
        path = try container.decode(String.self, forKey: .path)
        commit = try container.decodeIfPresent(ReconcileEvent.Commit.self, forKey: .commit)
        plan = try container.decodeIfPresent(PlanCounts.self, forKey: .plan)
        actions = try container.decode([ReconcileEvent.Action].self, forKey: .actions)
        warnings = try container.decode([ReconcileEvent.Warning].self, forKey: .warnings)
        drifted = try container.decode([String].self, forKey: .drifted)
        models = try container.decode([String].self, forKey: .models)
        failure = try container.decodeIfPresent(ReconcileEvent.Failure.self, forKey: .failure)
        rail = try container.decodeIfPresent(ReconcileEvent.Rail.self, forKey: .rail)
        durationSeconds = try container.decode(Double.self, forKey: .durationSeconds)
        smokeSkipped = try container.decodeIfPresent(Bool.self, forKey: .smokeSkipped) ?? false
    }

    /// The record of `outcome`.
    public init(_ outcome: ReconcileOutcome, source: EventSource, commit: ReconcileEvent.Commit?) {
        let report = outcome.report
        formatVersion = Self.formatVersion
        time = outcome.finishedAt
        trigger = outcome.trigger
        dryRun = outcome.dryRun
        repository = source.repository
        ref = report.snapshot?.resolved.name ?? report.plan?.revision.ref ?? source.ref
        path = source.path
        self.commit = commit
        plan = report.plan.map { PlanCounts(create: $0.summary.create, update: $0.summary.updateConfiguration, delete: $0.summary.delete, warnings: $0.warnings.count, smokeTest: $0.summary.smokeTest) }
        actions = (report.applyResult?.actions ?? []).map(ReconcileEvent.Action.init)
        warnings = report.warnings.map(ReconcileEvent.Warning.init)
        drifted = outcome.baseline && !outcome.dryRun ? [] : report.driftedModels.map(\.description)
        failure = report.failure.map(ReconcileEvent.Failure.init)
        let named = (report.failure?.models(planned: report.plan) ?? []).map(\.description)
        models = Array(Set(actions.map(\.model) + warnings.map(\.model) + drifted + named)).sorted()
        rail = report.failure.flatMap(EventBuilder.rail)
        result = report.failure == nil ? .applied : (rail == nil ? .failed : .refused)
        durationSeconds = (outcome.duration.seconds * 1000).rounded() / 1000
        smokeSkipped = report.smokeSkipped
    }

    /// Whether the record concerns `model`: a change, a warning, drift or a failure of it, or a failure of
    /// the whole reconcile (a fetch or load failure stops every model).
    public func concerns(_ model: String) -> Bool {
        models.contains(model) || (failure != nil && models.isEmpty)
    }
}
