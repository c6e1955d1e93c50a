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
        self.warnings = try container.decode([PlanWarning].self, forKey: .warnings)
        self.models = try container.decode([ModelPlan].self, forKey: .models)
        self.estimate = try container.decode(PlanEstimate.self, forKey: .estimate)
        self.unmanaged = try container.decodeIfPresent([UnmanagedModel].self, forKey: .unmanaged)
        // What a saved plan says about itself is what a reviewer read and what the checks before applying
        // trust: it must agree with the changes it applies.
        if let problem = Self.orderProblem(changes) ?? consistencyProblem {
            throw PlanFormatError.inconsistent(problem)
        }
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

    /// What the plan says about itself that its changes contradict, or `nil`: its summary's counts, a model's
    /// facts given twice or missing for a model it changes, and changes for a model it says is suspended (the
    /// review shows it skipped).
    var consistencyProblem: String? {
        let counted = PlanSummary(
            create: changes.count { $0.action == .create },
            updateConfiguration: changes.count { $0.action == .updateConfiguration },
            delete: changes.count { $0.action == .delete },
            unchanged: summary.unchanged,
            warnings: warnings.count,
            smokeTest: changes.count { $0.action == .smokeTest }
        )
        if counted != summary {
            func counts(_ summary: PlanSummary) -> String {
                "\(summary.create) to create, \(summary.updateConfiguration) to configure, \(summary.delete) to delete, "
                    + "\(summary.smokeTest) to smoke-test, \(summary.warnings) warnings"
            }
            return "its summary says \(counts(summary)), its changes and warnings are \(counts(counted))"
        }
        var facts: [ModelID: ModelPlan] = [:]
        for model in models {
            guard facts.updateValue(model, forKey: model.model) == nil else {
                return "\(model.model) is listed twice among its models"
            }
        }
        for model in Set(changes.map(\.model)).sorted() {
            guard let plan = facts[model] else { return "it changes \(model), which is not among its models" }
            if plan.suspended { return "it changes \(model), which it says is suspended" }
        }
        return nil
    }

    /// The version that is the latest of `model` once this plan's changes are applied to `live`, its live
    /// versions: the last version it creates, or else the highest-numbered live version it does not delete.
    /// What the planner states as ``ModelPlan/latestAfterApply``; worked out again before a saved plan is applied,
    /// so that the latest-version rail judges what the changes do, not what the plan says they do.
    public func latestAfterApplying(_ model: ModelID, to live: [LiveVersion]) -> VersionReference? {
        let own = changes.filter { $0.model == model }
        if case let .create(last)? = own.last(where: { $0.action == .create }) {
            return VersionReference(number: nil, containerImageDigest: last.digest)
        }
        let deleted = Set(own.filter { $0.action == .delete }.compactMap(\.number))
        return live.filter { !deleted.contains($0.number) }.max { $0.number < $1.number }
            .map { VersionReference(number: $0.number, containerImageDigest: $0.containerImageDigest) }
    }
}

/// Why a saved plan cannot be read by this build.
public enum PlanFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON has no `format_version`: not a WriftSync plan.
    case missingFormatVersion
    /// The plan was written in a format this build does not know.
    case unsupportedFormatVersion(Int)
    /// The plan contradicts itself (its summary, its models' facts or its order against its changes): it was
    /// edited or damaged after `wriftsync plan` wrote it.
    case inconsistent(String)

    /// What went wrong and what to do, for the CLI to print.
    public var description: String {
        switch self {
        case .missingFormatVersion:
            "not a WriftSync plan: it has no format_version"
        case .unsupportedFormatVersion(let version):
            "unsupported plan format_version \(version): this wriftsync reads format_version \(Plan.formatVersion); "
                + "re-run `wriftsync plan` with the same wriftsync that applies it"
        case .inconsistent(let problem):
            "the plan contradicts itself: \(problem); it was edited or damaged after `wriftsync plan` wrote it: make a new plan"
        }
    }
}
