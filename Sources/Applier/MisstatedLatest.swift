import Planner
import WriftAIModels

/// A model of a saved plan whose facts about its latest version disagree with its live versions and its changes.
/// The latest-version rail and the check of the listings read those facts, so a plan edited in its changes (a
/// create dropped from a re-creation), or in the facts themselves, would pass them and move the latest. The live
/// versions are the ones the plan was made against (their fingerprint matched), so each fact is worked out again.
public struct MisstatedLatest: Sendable, Equatable, CustomStringConvertible {
    /// Which fact.
    public enum Fact: String, Sendable, Equatable {
        /// `latest_after_apply`: the version the changes leave the latest.
        case afterApply = "latest_after_apply"
        /// `latest_before_apply`: the latest live version.
        case beforeApply = "latest_before_apply"
        /// `live_highest_number`: the highest live number.
        case highestNumber = "live_highest_number"
    }

    /// The model.
    public var model: ModelID
    /// Which of its facts.
    public var fact: Fact
    /// What the plan says.
    public var stated: String
    /// What its changes and the live versions make it.
    public var actual: String

    /// Creates the fact.
    public init(model: ModelID, fact: Fact, stated: String, actual: String) {
        self.model = model
        self.fact = fact
        self.stated = stated
        self.actual = actual
    }

    /// A misstated version (`nil`: none).
    public init(model: ModelID, fact: Fact, stated: VersionReference?, actual: VersionReference?) {
        self.init(model: model, fact: fact, stated: stated?.description ?? "no version", actual: actual?.description ?? "no version")
    }

    /// `acme/a: the plan says new (0202…) will be the latest, its changes leave new (0101…)`.
    public var description: String {
        switch fact {
        case .afterApply: "\(model): the plan says \(stated) will be the latest, its changes leave \(actual)"
        case .beforeApply: "\(model): the plan says \(stated) was the latest, the live versions it was made against say \(actual)"
        case .highestNumber: "\(model): the plan says #\(stated) was the highest live number, the live versions it was made against say #\(actual)"
        }
    }
}
