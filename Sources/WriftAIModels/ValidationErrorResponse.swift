/// The body of a 422 answer: every problem found in the request, all at once.
public struct ValidationErrorResponse: Codable, Sendable, Equatable {
    /// The problems, one entry each.
    public var detail: [ValidationIssue]

    /// Creates a validation error body.
    public init(detail: [ValidationIssue]) {
        self.detail = detail
    }
}
