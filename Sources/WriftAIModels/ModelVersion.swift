/// A model version as it appears in a list of versions.
public struct ModelVersion: Codable, Sendable, Equatable {
    /// The version number, unique within its model and never reused.
    public var number: Int
    /// What changed in this version.
    public var releaseNotes: String
    /// When the version was created, as an ISO 8601 timestamp.
    public var createdAt: String
    /// The SHA-256 digest of the version's container image (`sha256:` and 64 hex digits).
    ///
    /// Older servers leave it out of list items, hence optional.
    public var containerImageDigest: String?

    /// Creates a list item.
    public init(number: Int, releaseNotes: String, createdAt: String, containerImageDigest: String?) {
        self.number = number
        self.releaseNotes = releaseNotes
        self.createdAt = createdAt
        self.containerImageDigest = containerImageDigest
    }

    enum CodingKeys: String, CodingKey {
        case number
        case releaseNotes = "release_notes"
        case createdAt = "created_at"
        case containerImageDigest = "container_image_digest"
    }
}
