import Applier
import Foundation
import GitSource
import Pipeline
import Planner

/// One event: what a reconcile did or found, as every sink receives it (`--notify` gets exactly this JSON,
/// `{"format_version":1,"type":…}`). Every event names the repository, ref and commit, with the commit's
/// author and subject when git had them; the other fields depend on the type.
public struct ReconcileEvent: Sendable, Codable, Equatable {
    /// The only JSON format version this build writes.
    public static let formatVersion = 1

    /// A commit, with who made it and what it says it does.
    public struct Commit: Sendable, Codable, Equatable {
        /// The full commit id.
        public var id: String
        /// Who wrote the change, when git had it.
        public var author: CommitDetails.Person?
        /// Who committed it.
        public var committer: CommitDetails.Person?
        /// The message's first line.
        public var subject: String?

        /// A commit known only by its id.
        public init(id: String, details: CommitDetails? = nil) {
            self.id = id
            author = details?.author
            committer = details?.committer
            subject = details?.subject
        }

        /// The first 12 digits.
        public var short: String { String(id.prefix(12)) }
    }

    /// One change as it ended.
    public struct Action: Sendable, Codable, Hashable {
        /// `owner/name`.
        public var model: String
        /// `create`, `update_configuration` or `delete`.
        public var action: ChangeAction
        /// The version number (the one the API assigned, for a create).
        public var number: Int?
        /// The version's container image digest.
        public var digest: String
        /// How it ended.
        public var outcome: ActionOutcome
        /// Why it failed or was skipped.
        public var error: String?

        /// The action of an apply result.
        public init(_ result: ActionResult) {
            model = result.model.description
            action = result.action
            number = result.number
            digest = result.containerImageDigest.value
            outcome = result.outcome
            error = result.error
        }

        enum CodingKeys: String, CodingKey {
            case model, action, number, digest, outcome, error
        }
    }

    /// A difference between the live state and git, found by a full reconcile: what changed outside git.
    public struct Drift: Sendable, Codable, Equatable {
        /// `owner/name`.
        public var model: String
        /// The change that puts it back (`create`, `update_configuration`, `delete`); `nil` for a difference
        /// the plan only warns about.
        public var action: ChangeAction?
        /// The live version concerned, if one is.
        public var number: Int?
        /// The digest concerned, if one is.
        public var digest: String?
        /// What differs, for people.
        public var reason: String
    }

    /// Why a reconcile failed.
    public struct Failure: Sendable, Codable, Equatable {
        /// The stage that failed.
        public var stage: ReconcileFailure.Stage
        /// How the loop reacts: `stalled`, `transient` or `partial`.
        public var failureClass: ReconcileFailure.Class
        /// One line saying what failed and what to do.
        public var message: String
        /// The declaration problems (`file:line:column: message`), the first 20.
        public var problems: [String]?

        /// The failure as events tell it.
        public init(_ failure: ReconcileFailure) {
            stage = failure.stage
            failureClass = failure.failureClass
            message = failure.description
            let problems = failure.problems.prefix(20).map(\.description)
            self.problems = problems.isEmpty ? nil : problems
        }

        enum CodingKeys: String, CodingKey {
            case stage
            case failureClass = "class"
            case message
            case problems
        }
    }

    /// The rails that refuse a plan.
    public enum Rail: String, Sendable, Codable, CaseIterable {
        /// `--max-deletes`.
        case maxDeletes = "max_deletes"
        /// The live state changed since the plan was made.
        case stale
        /// The ref moved since the plan was made.
        case refMoved = "ref_moved"
        /// The plan was made from another repository.
        case otherRepository = "other_repository"
        /// The latest-version rule.
        case latestVersion = "latest_version"
        /// A commit not signed by a trusted key.
        case signature
        /// A listing that does not agree with the model's own latest version.
        case listing
        /// A saved plan creating a digest quarantined since it was made.
        case quarantine
        /// A saved plan made from uncommitted files (`plan --worktree`).
        case uncommitted
    }

    /// A plan warning.
    public struct Warning: Sendable, Codable, Equatable {
        /// `owner/name`.
        public var model: String
        /// Its kind (`latest_mismatch`, `out_of_order_held`, `immutable_drift`, `empty_refused`).
        public var kind: WarningKind
        /// The version concerned, if one is.
        public var number: Int?
        /// The explanation.
        public var message: String

        /// The warning as events tell it.
        public init(_ warning: PlanWarning) {
            model = warning.model.description
            kind = warning.kind
            number = warning.number
            message = warning.message
        }
    }

    /// What happened.
    public var type: EventType
    /// A unique id, the same on every delivery attempt (receivers can drop a retried duplicate).
    public var id: String
    /// When the reconcile finished.
    public var time: Date
    /// The repository (never with credentials).
    public var repository: String
    /// The ref resolved (`refs/heads/main`), or the one configured when the fetch failed.
    public var ref: String?
    /// The directory of declarations.
    public var path: String
    /// The commit planned from; `nil` when the repository could not be read.
    public var commit: Commit?
    /// What started the reconcile.
    public var trigger: ReconcileTrigger
    /// Whether the reconcile only reported (`run --dry-run`).
    public var dryRun: Bool
    /// One line for people.
    public var summary: String
    /// `applied`, `drift_corrected`, and a partial `failed`: each change and how it ended.
    public var actions: [Action]?
    /// `failed`, `refused`, and `recovered` (the failure that cleared).
    public var failure: Failure?
    /// `refused`: which rail.
    public var rail: Rail?
    /// `warning`.
    public var warning: Warning?
    /// `drift_detected` and `drift_corrected`: what differed from git.
    public var drift: [Drift]?

    /// Creates an event.
    public init(
        type: EventType, id: String = UUID().uuidString.lowercased(), time: Date, repository: String, ref: String?, path: String,
        commit: Commit?, trigger: ReconcileTrigger, dryRun: Bool = false, summary: String, actions: [Action]? = nil,
        failure: Failure? = nil, rail: Rail? = nil, warning: Warning? = nil, drift: [Drift]? = nil
    ) {
        self.type = type
        self.id = id
        self.time = time
        self.repository = repository
        self.ref = ref
        self.path = path
        self.commit = commit
        self.trigger = trigger
        self.dryRun = dryRun
        self.summary = summary
        self.actions = actions
        self.failure = failure
        self.rail = rail
        self.warning = warning
        self.drift = drift
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case type, id, time, repository, ref, path, commit, trigger
        case dryRun = "dry_run"
        case summary, actions, failure, rail, warning, drift
    }

    /// Decodes an event of format version 1.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .formatVersion)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .formatVersion, in: container, debugDescription: "unsupported format_version \(version)")
        }
        type = try container.decode(EventType.self, forKey: .type)
        id = try container.decode(String.self, forKey: .id)
        time = try container.decode(Date.self, forKey: .time)
        repository = try container.decode(String.self, forKey: .repository)
        ref = try container.decodeIfPresent(String.self, forKey: .ref)
        path = try container.decode(String.self, forKey: .path)
        commit = try container.decodeIfPresent(Commit.self, forKey: .commit)
        trigger = try container.decode(ReconcileTrigger.self, forKey: .trigger)
        dryRun = try container.decode(Bool.self, forKey: .dryRun)
        summary = try container.decode(String.self, forKey: .summary)
        actions = try container.decodeIfPresent([Action].self, forKey: .actions)
        failure = try container.decodeIfPresent(Failure.self, forKey: .failure)
        rail = try container.decodeIfPresent(Rail.self, forKey: .rail)
        warning = try container.decodeIfPresent(Warning.self, forKey: .warning)
        drift = try container.decodeIfPresent([Drift].self, forKey: .drift)
    }

    /// Encodes the event with its `format_version`; absent fields are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(type, forKey: .type)
        try container.encode(id, forKey: .id)
        try container.encode(time, forKey: .time)
        try container.encode(repository, forKey: .repository)
        try container.encodeIfPresent(ref, forKey: .ref)
        try container.encode(path, forKey: .path)
        try container.encodeIfPresent(commit, forKey: .commit)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(actions, forKey: .actions)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encodeIfPresent(rail, forKey: .rail)
        try container.encodeIfPresent(warning, forKey: .warning)
        try container.encodeIfPresent(drift, forKey: .drift)
    }

    /// The compact JSON body sinks send: sorted keys, ISO 8601 times, `/` as is.
    public func jsonBody() throws -> [UInt8] {
        Array(try EventJSON.encoder.encode(self))
    }
}

/// The one JSON encoding of events and history records.
enum EventJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
