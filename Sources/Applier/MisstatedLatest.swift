import Planner
import WriftAIModels

/// A model of a saved plan whose changes, applied to its live versions, leave another version the latest than
/// the plan states (`latest_after_apply`). The latest-version rail reads the statement, so a plan whose changes
/// were edited without it (a create dropped from a re-creation) would pass the rail and move the latest.
public struct MisstatedLatest: Sendable, Equatable, CustomStringConvertible {
    /// The model.
    public var model: ModelID
    /// What the plan says will be the latest.
    public var stated: VersionReference?
    /// What its changes make the latest.
    public var actual: VersionReference?

    /// Creates the fact.
    public init(model: ModelID, stated: VersionReference?, actual: VersionReference?) {
        self.model = model
        self.stated = stated
        self.actual = actual
    }

    /// `acme/a: the plan says #3 (sha256:0303…) will be the latest, its changes leave #2 (sha256:0202…)`.
    public var description: String {
        "\(model): the plan says \(stated?.description ?? "no version") will be the latest, its changes leave \(actual?.description ?? "no version")"
    }
}
