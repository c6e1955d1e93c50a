import Foundation

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
    /// The API calls to make, in order: per model (sorted by name), creates in declaration order,
    /// then configuration updates, then deletes by ascending number.
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
