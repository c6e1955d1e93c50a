/// The body of most error answers (401, 403, 404, 409, 429, 5xx): `{"detail": "…"}`.
public struct ErrorResponse: Codable, Sendable, Equatable {
    /// What went wrong, in words.
    public var detail: String

    /// Creates an error body.
    public init(detail: String) {
        self.detail = detail
    }
}
