import Foundation
import Planner

/// What an apply did: the `--format json` output.
public struct ApplyResult: Codable, Sendable, Equatable {
    /// The only JSON format version this build writes.
    public static let formatVersion = 1

    /// The commit the applied plan came from.
    public var revision: Revision
    /// The counts.
    public var summary: ApplySummary
    /// One result per planned change, in the plan's order.
    public var actions: [ActionResult]

    /// Creates a result; the summary is counted from `actions`.
    public init(revision: Revision, actions: [ActionResult]) {
        self.revision = revision
        self.actions = actions.sorted { $0.index < $1.index }
        self.summary = ApplySummary(actions)
    }

    /// The results that failed, in the plan's order.
    public var failures: [ActionResult] { actions.filter { $0.outcome == .failed } }

    /// Whether every planned change is done.
    public var succeeded: Bool { actions.allSatisfy(\.outcome.isDone) }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case revision
        case summary
        case actions
    }

    /// Decodes a result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(Int.self, forKey: .formatVersion)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .formatVersion, in: container, debugDescription: "unsupported format_version \(version)")
        }
        revision = try container.decode(Revision.self, forKey: .revision)
        summary = try container.decode(ApplySummary.self, forKey: .summary)
        actions = try container.decode([ActionResult].self, forKey: .actions)
    }

    /// Encodes the result with its `format_version`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(revision, forKey: .revision)
        try container.encode(summary, forKey: .summary)
        try container.encode(actions, forKey: .actions)
    }

    /// Pretty-printed JSON with sorted keys, ending in a newline.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

/// The counts of an apply.
public struct ApplySummary: Codable, Sendable, Equatable {
    /// Versions created.
    public var created: Int
    /// Configurations set.
    public var configured: Int
    /// Versions deleted, including those found already gone.
    public var deleted: Int
    /// Changes that failed.
    public var failed: Int
    /// Changes not attempted because an earlier change of their model failed.
    public var skipped: Int

    /// Counts `actions`.
    public init(_ actions: [ActionResult]) {
        created = actions.count { $0.outcome == .created }
        configured = actions.count { $0.outcome == .configured }
        deleted = actions.count { $0.outcome == .deleted || $0.outcome == .alreadyDeleted }
        failed = actions.count { $0.outcome == .failed }
        skipped = actions.count { $0.outcome == .skipped }
    }

    /// `Apply complete: 2 created, 0 configured, 1 deleted, 0 failed.`
    public var line: String {
        "Apply complete: \(created) created, \(configured) configured, \(deleted) deleted, \(failed) failed."
    }
}
