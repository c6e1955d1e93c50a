import Foundation
import WriftAIModels

/// Everything a plan says: what would change, what to watch out for, and what it was based on.
///
/// A plain value: computing it (`Planner.plan`), saving it (`encodedJSON()`), rendering it
/// (`TextRenderer`, `MarkdownRenderer`) and applying it are separate steps. Its JSON form is the
/// stable `format_version: 1` contract documented in the README.
public struct Plan: Codable, Sendable, Equatable {
    /// The only JSON format version this build writes and reads.
    public static let formatVersion = 1

    /// The commit the declarations came from.
    public var revision: Revision
    /// The counts.
    public var summary: PlanSummary
    /// The API calls to make, grouped per model (sorted by name) in the order they are applied: smoke tests
    /// of versions left untested, creates in declaration order, configuration updates, then deletes by
    /// ascending number. The applier runs each model's changes as given (``modelChanges``); a saved plan
    /// in another order is refused when read.
    public var changes: [PlannedChange]
    /// What the plan does not change but a reviewer should know, per model in the same order.
    public var warnings: [PlanWarning]
    /// Every declared model, sorted by name, suspended ones included.
    public var models: [ModelPlan]
    /// The cost of applying the plan.
    public var estimate: PlanEstimate
    /// Models the previous revision declared and this one does not, left alone; `nil` when there are none
    /// or they were not looked for (the planner alone does not know the previous revision).
    public var unmanaged: [UnmanagedModel]?

    /// Creates a plan.
    public init(
        revision: Revision,
        summary: PlanSummary,
        changes: [PlannedChange],
        warnings: [PlanWarning],
        models: [ModelPlan],
        estimate: PlanEstimate,
        unmanaged: [UnmanagedModel]? = nil
    ) {
        self.revision = revision
        self.summary = summary
        self.changes = changes
        self.warnings = warnings
        self.models = models
        self.estimate = estimate
        self.unmanaged = unmanaged
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case revision
        case summary
        case changes
        case warnings
        case models
        case estimate
        case unmanaged
    }

    /// Decodes a plan, refusing any `format_version` but ``formatVersion`` before reading the rest.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let version = try container.decodeIfPresent(Int.self, forKey: .formatVersion) else {
            throw PlanFormatError.missingFormatVersion
        }
        guard version == Self.formatVersion else {
            throw PlanFormatError.unsupportedFormatVersion(version)
        }
        self.revision = try container.decode(Revision.self, forKey: .revision)
        self.summary = try container.decode(PlanSummary.self, forKey: .summary)
        self.changes = try container.decode([PlannedChange].self, forKey: .changes)
        if let problem = Self.orderProblem(changes) {
            throw DecodingError.dataCorruptedError(forKey: .changes, in: container, debugDescription: problem)
        }
        self.warnings = try container.decode([PlanWarning].self, forKey: .warnings)
        self.models = try container.decode([ModelPlan].self, forKey: .models)
        self.estimate = try container.decode(PlanEstimate.self, forKey: .estimate)
        self.unmanaged = try container.decodeIfPresent([UnmanagedModel].self, forKey: .unmanaged)
    }

    /// Encodes the plan with its `format_version`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(revision, forKey: .revision)
        try container.encode(summary, forKey: .summary)
        try container.encode(changes, forKey: .changes)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(models, forKey: .models)
        try container.encode(estimate, forKey: .estimate)
        try container.encodeIfPresent(unmanaged, forKey: .unmanaged)
    }

    /// The plan as pretty-printed JSON with sorted keys, ending in a newline: the saved-plan and
    /// `--format json` form.
    ///
    /// Throws only if a schema holds a number JSON cannot represent (infinity or NaN).
    public func encodedJSON() throws -> Data {
        try StableJSON.encode(self)
    }

    /// Reads a plan saved by ``encodedJSON()``.
    ///
    /// - Throws: ``PlanFormatError`` for a missing or unknown `format_version`, or a `DecodingError`
    ///   for anything else that does not match the format.
    public static func decode(from data: Data) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: data)
    }
}

/// One model's changes, as they are applied.
public struct ModelChanges: Sendable, Equatable {
    /// The model.
    public var model: ModelID
    /// The positions of its changes in ``Plan/changes`` (what results report as `index`).
    public var indices: Range<Int>
    /// The changes, in order.
    public var changes: ArraySlice<PlannedChange>
}

extension Plan {
    /// Each model's changes, in the plan's order: the runs of ``changes`` that share a model.
    public var modelChanges: [ModelChanges] {
        var groups: [ModelChanges] = []
        var start = changes.startIndex
        while start < changes.endIndex {
            let model = changes[start].model
            var end = start + 1
            while end < changes.endIndex, changes[end].model == model { end += 1 }
            groups.append(ModelChanges(model: model, indices: start..<end, changes: changes[start..<end]))
            start = end
        }
        return groups
    }

    /// What is wrong with the order of `changes`, or `nil` when each model's changes are together, in apply
    /// order: smoke tests, creates, configuration updates, deletes by ascending number.
    static func orderProblem(_ changes: [PlannedChange]) -> String? {
        var finished: Set<ModelID> = []
        var previous: PlannedChange?
        for change in changes {
            if let previous, previous.model != change.model {
                finished.insert(previous.model)
            }
            if finished.contains(change.model) {
                return "the changes of \(change.model) are not together; a plan lists each model's changes in the order they are applied"
            }
            if let previous, previous.model == change.model {
                if previous.action.applyRank > change.action.applyRank {
                    return "\(change.model): a \(change.action.rawValue) comes after a \(previous.action.rawValue); a plan applies smoke tests, creates, configuration updates, then deletes"
                }
                if previous.action == .delete, change.action == .delete, let before = previous.number, let number = change.number, before >= number {
                    return "\(change.model): the deletes are not in ascending order of number (#\(before) before #\(number))"
                }
            }
            previous = change
        }
        return nil
    }
}

/// Why a saved plan cannot be read by this build.
public enum PlanFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON has no `format_version`: not a WriftSync plan.
    case missingFormatVersion
    /// The plan was written in a format this build does not know.
    case unsupportedFormatVersion(Int)

    /// What went wrong and what to do, for the CLI to print.
    public var description: String {
        switch self {
        case .missingFormatVersion:
            "not a WriftSync plan: it has no format_version"
        case .unsupportedFormatVersion(let version):
            "unsupported plan format_version \(version): this wriftsync reads format_version \(Plan.formatVersion); "
                + "re-run `wriftsync plan` with the same wriftsync that applies it"
        }
    }
}
