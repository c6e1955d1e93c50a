import WriftAIModels

/// The kinds of things a plan warns about.
public enum WarningKind: String, Codable, Sendable, CaseIterable {
    /// A live version has a declared digest but different immutable fields, and is left as is.
    case immutableDrift = "immutable_drift"
    /// Pruning would delete every version of a model, so no deletes were planned for it.
    case emptyRefused = "empty_refused"
    /// The version that will be latest after apply is not the last declared one.
    case latestMismatch = "latest_mismatch"
    /// A declared version is not live, and creating it would make it the latest instead of the last declared
    /// version, so it is held back (`on_out_of_order: hold`).
    case outOfOrderHeld = "out_of_order_held"
    /// A declared version is not created: its smoke tests failed before, and its declaration has not changed
    /// since (`wriftsync quarantine clear` lifts it).
    case quarantined

    /// The kinds that report a difference between git and the live state the plan leaves as it is (rather
    /// than changes): they still hold after a successful apply, so the model stays drifted.
    public static let standingDifferences: Set<WarningKind> = [.immutableDrift, .outOfOrderHeld, .emptyRefused]
}

/// Something a reviewer should know that the plan does not change.
public struct PlanWarning: Codable, Sendable, Equatable {
    /// `owner/name`.
    public var model: ModelID
    /// What kind of warning it is, for scripts.
    public var kind: WarningKind
    /// The live version concerned, if one is.
    public var number: Int?
    /// The digest concerned, if one is.
    public var containerImageDigest: Digest?
    /// The explanation, for people.
    public var message: String
    /// Where the declaration concerned is, `file:line:column`, if one is.
    public var declaredAt: String?

    /// Creates a warning.
    public init(
        model: ModelID,
        kind: WarningKind,
        number: Int? = nil,
        containerImageDigest: Digest? = nil,
        message: String,
        declaredAt: String? = nil
    ) {
        self.model = model
        self.kind = kind
        self.number = number
        self.containerImageDigest = containerImageDigest
        self.message = message
        self.declaredAt = declaredAt
    }

    enum CodingKeys: String, CodingKey {
        case model
        case kind
        case number
        case containerImageDigest = "container_image_digest"
        case message
        case declaredAt = "declared_at"
    }
}
