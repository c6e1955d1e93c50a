/// A model: an owner's named series of versions.
public struct Model: Codable, Sendable, Equatable {
    /// The model's unique identifier.
    public var id: String
    /// The model's name, the `name` in `owner/name`.
    public var name: String
    /// The user who owns the model.
    public var owner: ModelOwner
    /// Who can see the model.
    public var visibility: ModelVisibility
    /// A short description.
    public var description: String?
    /// When the model was created, as an ISO 8601 timestamp.
    public var createdAt: String
    /// When the model was last changed, as an ISO 8601 timestamp.
    public var updatedAt: String?
    /// How many predictions all its versions have served.
    public var predictionsCount: Int
    /// The newest version, or `nil` when the model has none.
    public var latestVersion: ModelVersionDetails?

    /// Creates a model.
    public init(
        id: String,
        name: String,
        owner: ModelOwner,
        visibility: ModelVisibility,
        description: String? = nil,
        createdAt: String,
        updatedAt: String? = nil,
        predictionsCount: Int = 0,
        latestVersion: ModelVersionDetails? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.visibility = visibility
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.predictionsCount = predictionsCount
        self.latestVersion = latestVersion
    }

    /// Decodes a model; a missing optional field decodes as `nil` and a missing count as 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.name = try container.decode(String.self, forKey: .name)
        self.owner = try container.decode(ModelOwner.self, forKey: .owner)
        self.visibility = try container.decode(ModelVisibility.self, forKey: .visibility)
        self.description = try container.decodeIfPresent(String.self, forKey: .description)
        self.createdAt = try container.decode(String.self, forKey: .createdAt)
        self.updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
        self.predictionsCount = try container.decodeIfPresent(Int.self, forKey: .predictionsCount) ?? 0
        self.latestVersion = try container.decodeIfPresent(ModelVersionDetails.self, forKey: .latestVersion)
    }

    /// Encodes a model, writing absent optional fields as `null` like the API does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(owner, forKey: .owner)
        try container.encode(visibility, forKey: .visibility)
        try container.encode(description, forKey: .description)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(predictionsCount, forKey: .predictionsCount)
        try container.encode(latestVersion, forKey: .latestVersion)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case owner
        case visibility
        case description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case predictionsCount = "predictions_count"
        case latestVersion = "latest_version"
    }
}
