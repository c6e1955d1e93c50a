/// The JSON schemas of a prediction: its input, its output and, for streaming models, each streamed chunk.
public struct PredictionSchemas: Codable, Sendable, Hashable {
    /// The JSON schema of a prediction's input (a JSON object).
    public var input: JSONValue
    /// The JSON schema of a prediction's output (a JSON object).
    public var output: JSONValue
    /// The JSON schema of each streamed output chunk, for models that stream.
    public var streamOutput: JSONValue?

    /// Creates prediction schemas.
    public init(input: JSONValue, output: JSONValue, streamOutput: JSONValue? = nil) {
        self.input = input
        self.output = output
        self.streamOutput = streamOutput
    }

    enum CodingKeys: String, CodingKey {
        case input
        case output
        case streamOutput = "stream_output"
    }
}
