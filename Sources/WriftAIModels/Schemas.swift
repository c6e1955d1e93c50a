/// The schemas of a model version.
public struct Schemas: Codable, Sendable, Equatable {
    /// The schemas of a prediction's input and output.
    public var prediction: PredictionSchemas

    /// Creates schemas.
    public init(prediction: PredictionSchemas) {
        self.prediction = prediction
    }
}
