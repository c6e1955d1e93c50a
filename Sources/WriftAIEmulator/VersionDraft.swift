import WriftAIModels

/// A validated create-version request, before the storage gives it a number.
public struct VersionDraft: Sendable, Equatable {
    /// Release notes.
    public var releaseNotes: String
    /// Container image digest.
    public var containerImageDigest: String
    /// Prediction schemas.
    public var schemas: Schemas
    /// Compatibility flags.
    public var compatibilities: Compatibilities
    /// The requested configuration; `nil` inherits the latest version's.
    public var configuration: VersionConfiguration?
    /// The configuration used when `configuration` is `nil` and the model has no version to inherit from.
    public var fallbackConfiguration: VersionConfiguration
    /// Creation time, ISO 8601.
    public var createdAt: String

    /// Creates a draft.
    public init(
        releaseNotes: String,
        containerImageDigest: String,
        schemas: Schemas,
        compatibilities: Compatibilities,
        configuration: VersionConfiguration?,
        fallbackConfiguration: VersionConfiguration,
        createdAt: String
    ) {
        self.releaseNotes = releaseNotes
        self.containerImageDigest = containerImageDigest
        self.schemas = schemas
        self.compatibilities = compatibilities
        self.configuration = configuration
        self.fallbackConfiguration = fallbackConfiguration
        self.createdAt = createdAt
    }
}
