import WriftAIModels

/// A create of a plan whose digest the release gate has quarantined, for the declaration the create carries:
/// its smoke tests failed after the plan was made (a saved plan, or another process on the same state).
public struct QuarantinedCreate: Sendable, Equatable, CustomStringConvertible {
    /// The model.
    public var model: ModelID
    /// The image.
    public var digest: Digest
    /// Which test failed and how.
    public var reason: String

    /// Creates the fact.
    public init(model: ModelID, digest: Digest, reason: String) {
        self.model = model
        self.digest = digest
        self.reason = reason
    }

    /// `acme/a sha256:0303…, quarantined: its smoke tests failed (…)`.
    public var description: String {
        "\(model) \(digest.short()), quarantined: its smoke tests failed (\(reason))"
    }
}
