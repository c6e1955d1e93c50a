import Planner
import WriftAIModels

/// The result of one planned change: the `--format json` per-action record.
public struct ActionResult: Codable, Sendable, Equatable {
    /// The index of the change in the plan's `changes`.
    public var index: Int
    /// The model.
    public var model: ModelID
    /// What was planned.
    public var action: ChangeAction
    /// The version number: the one assigned for a create that succeeded, the planned one otherwise.
    public var number: Int?
    /// The version's digest.
    public var containerImageDigest: Digest
    /// The version's release notes, when the plan has them.
    public var releaseNotes: String?
    /// How it ended.
    public var outcome: ActionOutcome
    /// Why it failed or was skipped.
    public var error: String?
    /// For a delete the plan did not contain: the newer version with the same digest that was kept.
    /// Such a delete removes a duplicate that another apply, running at the same time, created.
    public var duplicateOf: Int?
    /// For a create that succeeded: whether every send of it had a known outcome, so that none can still
    /// act later. Not part of the JSON: it only decides whether the duplicate check must list again.
    public var createSendsSettled = false

    /// Creates a result.
    public init(
        index: Int,
        model: ModelID,
        action: ChangeAction,
        number: Int?,
        containerImageDigest: Digest,
        releaseNotes: String?,
        outcome: ActionOutcome,
        error: String? = nil,
        duplicateOf: Int? = nil
    ) {
        self.index = index
        self.model = model
        self.action = action
        self.number = number
        self.containerImageDigest = containerImageDigest
        self.releaseNotes = releaseNotes
        self.outcome = outcome
        self.error = error
        self.duplicateOf = duplicateOf
    }

    /// A result for `change` at `index` with its planned number.
    init(index: Int, change: PlannedChange, outcome: ActionOutcome, number: Int? = nil, error: String? = nil) {
        self.init(
            index: index,
            model: change.model,
            action: change.action,
            number: number ?? change.number,
            containerImageDigest: change.digest,
            releaseNotes: change.releaseNotes,
            outcome: outcome,
            error: error
        )
    }

    /// Whether this result is of the duplicate check after a model's creates rather than of a planned
    /// change: a duplicate removed, or the check itself failing (a delete without a number).
    public var isDuplicateCheck: Bool {
        duplicateOf != nil || (action == .delete && number == nil)
    }

    enum CodingKeys: String, CodingKey {
        case index
        case model
        case action
        case number
        case containerImageDigest = "container_image_digest"
        case releaseNotes = "release_notes"
        case outcome
        case error
        case duplicateOf = "duplicate_of"
    }
}
