/// The body of `POST /predictions`: `{"model": "owner/name:N", "input": {…}, "stream": false}`.
///
/// The behaviour headers (`Prefer: wait`, `Validate-Input`) are not part of the body.
public struct CreatePredictionRequest: Codable, Sendable, Equatable {
    /// `owner/name:number` to pin a version, or `owner/name` for the latest.
    public var model: String
    /// The input (a JSON object, checked against the version's input schema).
    public var input: JSONValue
    /// Whether to stream the prediction's events.
    public var stream: Bool

    /// Creates a request.
    public init(model: String, input: JSONValue, stream: Bool = false) {
        self.model = model
        self.input = input
        self.stream = stream
    }
}
