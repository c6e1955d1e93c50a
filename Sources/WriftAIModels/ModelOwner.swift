/// The user who owns a model.
public struct ModelOwner: Codable, Sendable, Equatable {
    /// The owner's account identifier.
    public var accountID: String
    /// The owner's user name, the `owner` in `owner/name`.
    public var name: String
    /// The owner's avatar image.
    public var avatarURL: String

    /// Creates an owner.
    public init(accountID: String, name: String, avatarURL: String) {
        self.accountID = accountID
        self.name = name
        self.avatarURL = avatarURL
    }

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case name
        case avatarURL = "avatar_url"
    }
}
