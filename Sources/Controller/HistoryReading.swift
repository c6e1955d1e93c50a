import Foundation

/// One entry of the history the status page shows: a reconcile that applied, failed, was refused, or found
/// or corrected drift. The page's own minimal view of a record, whatever keeps the records.
public struct HistoryEntry: Sendable, Equatable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A new commit's changes were applied.
        case applied
        /// Changes made outside git were corrected by a full reconcile.
        case driftCorrected = "drift_corrected"
        /// The live state differs from git and nothing was applied (a dry run).
        case driftDetected = "drift_detected"
        /// A new commit needed no change.
        case upToDate = "up_to_date"
        /// The reconcile failed.
        case failed
        /// A rail refused the plan, or the commit's signature was refused.
        case refused

        /// The words shown.
        public var words: String {
            switch self {
            case .applied: "applied"
            case .driftCorrected: "drift corrected"
            case .driftDetected: "drift detected"
            case .upToDate: "nothing to change"
            case .failed: "failed"
            case .refused: "refused"
            }
        }
    }

    /// One change of the entry.
    public struct Change: Sendable, Equatable, Codable {
        /// `owner/name`.
        public var model: String
        /// `create`, `update_configuration`, `delete`, `smoke_test`.
        public var action: String
        /// The version number.
        public var number: Int?
        /// The image digest.
        public var containerImageDigest: String
        /// How it ended: `created`, `deleted`, `failed`, … (`planned` for a change a dry run only reports).
        public var outcome: String

        /// Creates a change.
        public init(model: String, action: String, number: Int?, containerImageDigest: String, outcome: String) {
            self.model = model
            self.action = action
            self.number = number
            self.containerImageDigest = containerImageDigest
            self.outcome = outcome
        }
    }

    /// When the reconcile finished.
    public var time: Date
    /// What happened.
    public var kind: Kind
    /// What started it: `start`, `new commit`, `drift interval`, `webhook`, `retry`.
    public var trigger: String
    /// The commit.
    public var commit: String?
    /// Its author.
    public var author: String?
    /// Its subject.
    public var subject: String?
    /// The models concerned.
    public var models: [String]
    /// The changes (the first ``HistoryEntry/maxChanges``).
    public var changes: [Change]
    /// Changes left out of ``changes``.
    public var moreChanges: Int
    /// Warnings of the plan.
    public var warnings: Int
    /// The failure's class (`stalled`, `transient`, `partial`), when it failed.
    public var failureClass: String?
    /// The failure's message.
    public var message: String?
    /// How long it took, in seconds.
    public var durationSeconds: Double
    /// How many times in a row the same failure happened (an entry stands for all of them).
    public var repeated: Int

    /// The most changes an entry keeps.
    public static let maxChanges = 50

    /// Creates an entry.
    public init(
        time: Date, kind: Kind, trigger: String, commit: String?, author: String? = nil, subject: String? = nil,
        models: [String] = [], changes: [Change] = [], moreChanges: Int = 0, warnings: Int = 0,
        failureClass: String? = nil, message: String? = nil, durationSeconds: Double = 0, repeated: Int = 1
    ) {
        self.time = time
        self.kind = kind
        self.trigger = trigger
        self.commit = commit
        self.author = author
        self.subject = subject
        self.models = models
        self.changes = changes
        self.moreChanges = moreChanges
        self.warnings = warnings
        self.failureClass = failureClass
        self.message = message
        self.durationSeconds = durationSeconds
        self.repeated = repeated
    }

    /// Whether the entry concerns `model`.
    public func concerns(_ model: String) -> Bool {
        models.contains(model) || changes.contains { $0.model == model }
    }
}

/// Where the status page reads its history from. The controller's own ``RecentReconciles`` (the last
/// reconciles of this process, in memory) is one; a durable history (`history.jsonl`) is another.
public protocol HistoryReading: Sendable {
    /// The newest `limit` entries, newest first; only those concerning `model` when it is given.
    func records(model: String?, limit: Int) async throws -> [HistoryEntry]
}
