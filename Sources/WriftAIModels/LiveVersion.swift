/// One version of a model as it exists on WriftAI, as far as the live-state reader observed it: the answers
/// of the API, validated, as the values the planner compares.
///
/// The optional parts are `nil` when they were not fetched or not observed; the planner then skips
/// the comparisons that need them instead of guessing.
public struct LiveVersion: Codable, Sendable, Equatable {
    /// The version number, unique within its model and never reused.
    public var number: Int
    /// When the version was created, as the API reports it (ISO 8601).
    public var createdAt: String
    /// The image; always known (the fetcher resolves legacy list items).
    public var containerImageDigest: Digest
    /// The version's release notes.
    public var releaseNotes: String
    /// The schemas, or `nil` when the details were not fetched: schema drift is then not checked.
    public var schemas: Schemas?
    /// The compatibility flags, or `nil` when not fetched: compatibility drift is then not checked.
    public var compatibilities: Compatibilities?
    /// The configuration, or `nil` when not observed: a declared configuration is then re-applied.
    public var configuration: VersionConfiguration?

    /// Creates a live version.
    public init(
        number: Int,
        createdAt: String,
        containerImageDigest: Digest,
        releaseNotes: String,
        schemas: Schemas? = nil,
        compatibilities: Compatibilities? = nil,
        configuration: VersionConfiguration? = nil
    ) {
        self.number = number
        self.createdAt = createdAt
        self.containerImageDigest = containerImageDigest
        self.releaseNotes = releaseNotes
        self.schemas = schemas
        self.compatibilities = compatibilities
        self.configuration = configuration
    }

    enum CodingKeys: String, CodingKey {
        case number
        case createdAt = "created_at"
        case containerImageDigest = "container_image_digest"
        case releaseNotes = "release_notes"
        case schemas
        case compatibilities
        case configuration
    }
}
