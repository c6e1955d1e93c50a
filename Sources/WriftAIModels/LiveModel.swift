/// Every live version of one model, in any order.
public struct LiveModel: Codable, Sendable, Equatable {
    /// `owner/name`.
    public var model: ModelID
    /// The live versions, in any order.
    public var versions: [LiveVersion]
    /// When the server listed them (its clock, ISO 8601, whole seconds); `nil` when it did not say. A version
    /// created later was not listed: the apply's duplicate check removes only copies made after it.
    public var listedAt: String?

    /// Creates a live model.
    public init(model: ModelID, versions: [LiveVersion], listedAt: String? = nil) {
        self.model = model
        self.versions = versions
        self.listedAt = listedAt
    }

    /// A stable hex digest of the model's version set, used to detect that a saved plan is stale.
    ///
    /// FNV-1a 64 over the `(number, digest, created_at)` triples sorted by number, so it does not
    /// depend on the order the API listed them in. Mutable configuration is deliberately left out:
    /// re-applying a configuration is idempotent, whereas a version appearing or disappearing is not.
    public var fingerprint: String {
        let triples = versions
            .map { (number: $0.number, digest: $0.containerImageDigest.value, createdAt: $0.createdAt) }
            .sorted { ($0.number, $0.digest, $0.createdAt) < ($1.number, $1.digest, $1.createdAt) }
        var hash = FNV1a64()
        for triple in triples {
            // Field and record separators that cannot occur in the values keep the encoding unambiguous.
            hash.combine("\(triple.number)\u{1F}\(triple.digest)\u{1F}\(triple.createdAt)\u{1E}")
        }
        return hash.hexDigest
    }
}
