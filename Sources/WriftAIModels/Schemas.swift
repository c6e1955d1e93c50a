/// The schemas of a model version.
public struct Schemas: Codable, Sendable, Hashable {
    /// The schemas of a prediction's input and output.
    public var prediction: PredictionSchemas

    /// Creates schemas.
    public init(prediction: PredictionSchemas) {
        self.prediction = prediction
    }
}
