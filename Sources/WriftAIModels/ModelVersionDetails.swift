/// A model version with everything the API tells about it.
///
/// `GET …/versions/{number}` answers without `configuration`; creating a version answers with it.
public struct ModelVersionDetails: Codable, Sendable, Equatable {
    /// The version number, unique within its model and never reused.
    public var number: Int
    /// What changed in this version.
    public var releaseNotes: String
    /// When the version was created, as an ISO 8601 timestamp.
    public var createdAt: String
    /// The SHA-256 digest of the version's container image.
    public var containerImageDigest: String?
    /// The prediction input and output schemas.
    public var schemas: Schemas
    /// Which compatible endpoints the version serves.
    public var compatibilities: Compatibilities
    /// The size of the version's container image in bytes, when the server reports it.
    public var size: Int?
    /// The hardware and variables the version runs with, present in the answer to a create.
    public var configuration: VersionConfiguration?

    /// Creates version details.
    public init(
        number: Int,
        releaseNotes: String,
        createdAt: String,
        containerImageDigest: String?,
        schemas: Schemas,
        compatibilities: Compatibilities,
        size: Int?,
        configuration: VersionConfiguration? = nil
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

    /// The list-item view of this version.
    public var summary: ModelVersion {
        ModelVersion(
            number: number,
            releaseNotes: releaseNotes,
            createdAt: createdAt,
            containerImageDigest: containerImageDigest
        )
    }

    enum CodingKeys: String, CodingKey {
        case number
        case releaseNotes = "release_notes"
        case createdAt = "created_at"
        case containerImageDigest = "container_image_digest"
        case schemas
        case compatibilities
        case size
        case configuration
    }
}
