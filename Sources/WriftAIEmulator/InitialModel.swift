import WriftAIModels

/// A model the emulator creates at start, such as one named by `--model OWNER/NAME`.
public struct InitialModel: Sendable, Equatable {
    /// Why a model identifier was refused.
    public struct InvalidIdentifier: Error, CustomStringConvertible {
        /// The refused text and the expected form.
        public let description: String
    }

    /// The owning user.
    public var owner: String
    /// The model's name.
    public var name: String
    /// Who can see it.
    public var visibility: ModelVisibility

    /// Creates an initial model.
    public init(owner: String, name: String, visibility: ModelVisibility = .private) {
        self.owner = owner
        self.name = name
        self.visibility = visibility
    }

    /// Parses `owner/name`; both parts must be valid names.
    public init(parsing identifier: String, visibility: ModelVisibility = .private) throws {
        let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, NameRules.isValidName(String(parts[0])), NameRules.isValidName(String(parts[1]))
        else {
            throw InvalidIdentifier(description: "invalid model '\(identifier)': expected OWNER/NAME")
        }
        self.init(owner: String(parts[0]), name: String(parts[1]), visibility: visibility)
    }
}
