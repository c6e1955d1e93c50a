import WriftAIModels

/// What is wrong with an answer that decoded but cannot be true: the model it was about, the field, the
/// value as the server sent it (escaped and cut short) and the rule it breaks.
///
/// Carried by ``WriftAIError/invalidAnswer(_:_:)``; an answer with such a problem never reaches the planner
/// or the applier.
public struct AnswerProblem: Sendable, Equatable, CustomStringConvertible {
    /// The model the answer was about, `owner/name`.
    public var model: String
    /// Where in the answer, e.g. `items[3].container_image_digest` or `number`.
    public var field: String
    /// The value as shown: a quoted, escaped string cut to 80 characters, a number, or `missing`.
    public var value: String
    /// What the value should have been, e.g. `must match ^sha256:[a-f0-9]{64}$`.
    public var rule: String

    /// Creates a problem.
    public init(model: String, field: String, value: String, rule: String) {
        self.model = model
        self.field = field
        self.value = value
        self.rule = rule
    }

    /// E.g. `alice/demo: items[3].container_image_digest is "0123…", which must match ^sha256:[a-f0-9]{64}$`.
    public var description: String { "\(model): \(field) is \(value), which \(rule)" }
}
