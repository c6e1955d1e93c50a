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
    /// One result per planned change, in the plan's order; a duplicate removed after a create (see
    /// ``ActionResult/duplicateOf``) follows that create.
    public var actions: [ActionResult]

    /// Creates a result; the summary is counted from `actions`.
    public init(revision: Revision, actions: [ActionResult]) {
        self.revision = revision
        // Sorted by their keys, worked out once: a comparison of the results themselves copied two of them
        // each time, most of the time between an apply's last answer and its exit (600 results, traced).
        let keys = actions.indices.map { (actions[$0].index, actions[$0].isDuplicateCheck ? 1 : 0, actions[$0].number ?? 0) }
        self.actions = keys.indices.sorted { keys[$0] < keys[$1] }.map { actions[$0] }
        self.summary = ApplySummary(actions)
    }

    /// The results that failed, in the plan's order.
    public var failures: [ActionResult] {
        actions.indices.filter { actions[$0].outcome == .failed || actions[$0].outcome == .rolledBack }.map { actions[$0] }
    }

    /// Whether every planned change is done. (Outcomes are read in place, here and above: a pass over the
    /// results themselves copied each one.)
    public var succeeded: Bool { actions.indices.allSatisfy { actions[$0].outcome.isDone } }

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
        try StableJSON.encode(self)
    }
}
