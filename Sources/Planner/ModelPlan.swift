import Declarations
import WriftAIModels

/// A version named by digest, with its number when it already exists.
public struct VersionReference: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The live number, or `nil` for a version the plan creates.
    public var number: Int?
    /// The image.
    public var containerImageDigest: Digest

    /// Creates a reference.
    public init(number: Int?, containerImageDigest: Digest) {
        self.number = number
        self.containerImageDigest = containerImageDigest
    }

    /// `#7 (sha256:0707…)`, or `new (sha256:0707…)` for a version the plan creates.
    public var description: String { VersionText.reference(self) }

    enum CodingKeys: String, CodingKey {
        case number
        case containerImageDigest = "container_image_digest"
    }
}

/// The per-model facts of a plan: where "latest" ends up, and the live state it was based on.
public struct ModelPlan: Codable, Sendable, Equatable {
    /// `owner/name`.
    public var model: ModelID
    /// The version that will be latest once the plan is applied; `nil` if the model will have none.
    public var latestAfterApply: VersionReference?
    /// The last declared version; `nil` if none is declared.
    public var declaredLatest: VersionReference?
    /// `LiveModel.fingerprint` of the live state planned against; `nil` if none was fetched.
    public var liveFingerprint: String?
    /// Whether the model is suspended (skipped: no changes are planned for it).
    public var suspended: Bool
    /// The highest live version number planned against (0 for a model without versions); `nil` if unknown.
    /// Numbers only grow, so creates numbered right after it prove no one else created in between.
    public var liveHighestNumber: Int?
    /// The latest live version when the plan was made; `nil` when there was none or it is unknown.
    public var latestBeforeApply: VersionReference?
    /// The model's `on_out_of_order`, which the check before applying enforces; `nil` in older plans.
    public var onOutOfOrder: OutOfOrderPolicy?
    /// When the server listed the live versions planned against (its clock, ISO 8601); `nil` when unknown.
    public var listedAt: String?
    /// Live versions not declared that stay (by `keep`, `prune: false`, or because pruning would empty the
    /// model), by number; `nil` when there are none.
    public var kept: [KeptVersion]?

    /// Creates the per-model facts.
    public init(
        model: ModelID,
        latestAfterApply: VersionReference?,
        declaredLatest: VersionReference?,
        liveFingerprint: String?,
        suspended: Bool,
        liveHighestNumber: Int? = nil,
        latestBeforeApply: VersionReference? = nil,
        onOutOfOrder: OutOfOrderPolicy? = nil,
        listedAt: String? = nil,
        kept: [KeptVersion]? = nil
    ) {
        self.model = model
        self.latestAfterApply = latestAfterApply
        self.declaredLatest = declaredLatest
        self.liveFingerprint = liveFingerprint
        self.suspended = suspended
        self.liveHighestNumber = liveHighestNumber
        self.latestBeforeApply = latestBeforeApply
        self.onOutOfOrder = onOutOfOrder
        self.listedAt = listedAt
        self.kept = kept
    }

    /// Whether applying the plan would take the latest version away from the last declared version, which
    /// it was before, without the model allowing it (`on_out_of_order: allow`): un-pinned predictions would
    /// move to another model. The planner never plans that; a check before applying refuses a plan that does.
    public var movesLatestAwayFromDeclared: Bool {
        guard !suspended, onOutOfOrder != .allow, let before = latestBeforeApply, let declared = declaredLatest else { return false }
        guard before.containerImageDigest == declared.containerImageDigest else { return false }
        return latestAfterApply?.containerImageDigest != declared.containerImageDigest
    }

    enum CodingKeys: String, CodingKey {
        case model
        case latestAfterApply = "latest_after_apply"
        case declaredLatest = "declared_latest"
        case liveFingerprint = "live_fingerprint"
        case suspended
        case liveHighestNumber = "live_highest_number"
        case latestBeforeApply = "latest_before_apply"
        case onOutOfOrder = "on_out_of_order"
        case listedAt = "listed_at"
        case kept
    }
}
