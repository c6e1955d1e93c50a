import WriftAIModels

/// A model version as the emulator stores it.
public struct VersionRecord: Codable, Sendable, Equatable {
    /// The version number.
    public var number: Int
    /// Release notes.
    public var releaseNotes: String
    /// Creation time, ISO 8601.
    public var createdAt: String
    /// Container image digest.
    public var containerImageDigest: String
    /// Prediction schemas.
    public var schemas: Schemas
    /// Compatibility flags.
    public var compatibilities: Compatibilities
    /// Image size in bytes.
    public var size: Int
    /// Hardware and variables.
    public var configuration: VersionConfiguration

    /// Creates a record.
    public init(
        number: Int,
        releaseNotes: String,
        createdAt: String,
        containerImageDigest: String,
        schemas: Schemas,
        compatibilities: Compatibilities,
        size: Int,
        configuration: VersionConfiguration
    ) {
        self.number = number
        self.releaseNotes = releaseNotes
        self.createdAt = createdAt
        self.containerImageDigest = containerImageDigest
        self.schemas = schemas
        self.compatibilities = compatibilities
        self.size = size
        self.configuration = configuration
    }

    /// The API's details view, optionally with the configuration (as in the answer to a create).
    public func details(includingConfiguration: Bool = false) -> ModelVersionDetails {
        ModelVersionDetails(
            number: number,
            releaseNotes: releaseNotes,
            createdAt: createdAt,
            containerImageDigest: containerImageDigest,
            schemas: schemas,
            compatibilities: compatibilities,
            size: size,
            configuration: includingConfiguration ? configuration : nil
        )
    }

    enum CodingKeys: String, CodingKey {
        case number
        case releaseNotes = "release_notes"
        case createdAt = "created_at"
        case containerImageDigest = "container_image_digest"
        case schemas, compatibilities, size, configuration
    }
}
