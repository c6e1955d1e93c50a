import WriftAIModels

/// A model whose live versions differ from the ones a plan was made against.
public struct StaleModel: Sendable, Equatable, CustomStringConvertible {
    /// The model.
    public var model: ModelID
    /// The fingerprint in the plan.
    public var planned: String?
    /// The fingerprint now.
    public var current: String

    /// Creates a stale-model fact.
    public init(model: ModelID, planned: String?, current: String) {
        self.model = model
        self.planned = planned
        self.current = current
    }

    /// `acme/a: fingerprint 0123… is now 4567…`.
    public var description: String {
        "\(model): live fingerprint \(planned ?? "none") is now \(current)"
    }
}
