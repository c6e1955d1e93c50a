/// The hardware a model version runs on and the variables it is given.
public struct VersionConfiguration: Codable, Sendable, Equatable {
    /// The identifier of the hardware the version runs on.
    public var hardwareIdentifier: String
    /// The names of the variables attached to the version.
    public var variableNames: [String]

    /// Creates a configuration.
    public init(hardwareIdentifier: String, variableNames: [String]) {
        self.hardwareIdentifier = hardwareIdentifier
        self.variableNames = variableNames
    }

    enum CodingKeys: String, CodingKey {
        case hardwareIdentifier = "hardware_identifier"
        case variableNames = "variable_names"
    }
}
