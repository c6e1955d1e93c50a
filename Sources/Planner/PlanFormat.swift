/// The output formats of `wriftsync plan --format`.
public enum PlanFormat: String, Sendable, CaseIterable {
    /// For a terminal (the default).
    case text
    /// For a pull-request comment.
    case markdown
    /// The stable, saved-plan form.
    case json

    /// Renders `plan` in this format.
    ///
    /// - Parameter colour: ANSI colours in `text`; ignored by the other formats.
    /// - Throws: Only for `json`, as ``Plan/encodedJSON()`` does.
    public func render(_ plan: Plan, colour: Bool = false) throws -> String {
        switch self {
        case .text: TextRenderer.render(plan, colour: colour)
        case .markdown: MarkdownRenderer.render(plan)
        case .json: String(decoding: try plan.encodedJSON(), as: UTF8.self)
        }
    }
}
