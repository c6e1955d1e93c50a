import Foundation

/// One condition of a model in `/status`, as controllers in the Kubernetes world report them: a type, whether
/// it holds, since when (the last time it changed), a reason for scripts and a message for people.
public struct ModelCondition: Sendable, Codable, Equatable {
    /// The conditions every model has.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The live versions match the declarations: nothing left to apply, nothing drifted, not failing.
        case inSync = "in_sync"
        /// The live state differs from git and the last reconcile left it so (a dry run, immutable drift,
        /// a create held back, a failed correction).
        case drifted
        /// The last reconcile of the model failed.
        case failing
        /// The model's last plan gave warnings.
        case warning
    }

    /// Which condition.
    public var type: Kind
    /// Whether it holds.
    public var status: Bool
    /// When ``status`` last changed (or the model was first planned).
    public var since: Date
    /// Why, for scripts: `applied`, `up_to_date`, `changes_pending`, `drifted`, a failure class, a warning kind.
    public var reason: String
    /// Why, for people; empty when there is nothing to say.
    public var message: String

    /// Creates a condition.
    public init(type: Kind, status: Bool, since: Date, reason: String, message: String = "") {
        self.type = type
        self.status = status
        self.since = since
        self.reason = reason
        self.message = message
    }
}
