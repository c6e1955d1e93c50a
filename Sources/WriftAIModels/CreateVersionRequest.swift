/// The body of `POST /models/{owner}/{name}/versions`.
public struct CreateVersionRequest: Codable, Sendable, Equatable {
    /// What changed in this version; at most 255 characters.
    public var releaseNotes: String
    /// The container image digest, `sha256:` followed by 64 lowercase hex digits.
    public var containerImageDigest: String
    /// The prediction schemas.
    public var schemas: Schemas
    /// Compatibility flags; `nil` leaves them all `false`.
    public var compatibilities: Compatibilities?
    /// The configuration; `nil` inherits the configuration of the model's latest version.
    public var configuration: VersionConfiguration?

    /// Creates a request.
    public init(
        releaseNotes: String,
        containerImageDigest: String,
        schemas: Schemas,
        compatibilities: Compatibilities? = nil,
        configuration: VersionConfiguration? = nil
    ) {
        self.releaseNotes = releaseNotes
        self.containerImageDigest = containerImageDigest
        self.schemas = schemas
        self.compatibilities = compatibilities
        self.configuration = configuration
    }

    enum CodingKeys: String, CodingKey {
        case releaseNotes = "release_notes"
        case containerImageDigest = "container_image_digest"
        case schemas
        case compatibilities
        case configuration
    }
}
