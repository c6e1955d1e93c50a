/// The body of `PATCH …/versions/{number}/configuration`: the fields to replace.
///
/// A field left `nil` keeps its current value; `variableNames` replaces the whole list.
public struct ConfigurationUpdate: Codable, Sendable, Equatable {
    /// The new hardware identifier.
    public var hardwareIdentifier: String?
    /// The new variable names, replacing all current ones.
    public var variableNames: [String]?

    /// Creates an update.
    public init(hardwareIdentifier: String? = nil, variableNames: [String]? = nil) {
        self.hardwareIdentifier = hardwareIdentifier
        self.variableNames = variableNames
    }

    enum CodingKeys: String, CodingKey {
        case hardwareIdentifier = "hardware_identifier"
        case variableNames = "variable_names"
    }
}
