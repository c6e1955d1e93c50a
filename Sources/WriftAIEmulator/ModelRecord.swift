import WriftAIModels

/// A model as the emulator stores it.
public struct ModelRecord: Codable, Sendable, Equatable {
    /// The model's unique identifier.
    public var id: String
    /// The owning user's name.
    public var owner: String
    /// The model's name.
    public var name: String
    /// Who can see the model.
    public var visibility: ModelVisibility
    /// A short description.
    public var description: String?
    /// Creation time, ISO 8601.
    public var createdAt: String
    /// Last change time, ISO 8601.
    public var updatedAt: String?
    /// The highest version number ever assigned in this model; numbers are never reused.
    public var highestVersionNumber: Int

    /// Creates a record.
    public init(
        id: String,
        owner: String,
        name: String,
        visibility: ModelVisibility,
        description: String? = nil,
        createdAt: String,
        updatedAt: String? = nil,
        highestVersionNumber: Int = 0
    ) {
        self.id = id
        self.owner = owner
        self.name = name
        self.visibility = visibility
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.highestVersionNumber = highestVersionNumber
    }

    enum CodingKeys: String, CodingKey {
        case id, owner, name, visibility, description
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case highestVersionNumber = "highest_version_number"
    }
}
