import WriftAIModels

/// A client that can only read: it has no write methods at all, so code holding one (a dry run)
/// cannot create, update or delete anything.
public struct ReadOnlyWriftAIClient: WriftAIReading {
    private let client: WriftAIClient

    /// Wraps `client`, exposing only its reads. The caller still owns and shuts down `client`.
    public init(_ client: WriftAIClient) {
        self.client = client
    }

    /// The model with its latest version.
    public func model(_ model: ModelID) async throws(WriftAIError) -> Model {
        try await client.model(model)
    }

    /// One page of the model's versions, newest first.
    public func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError)
        -> Page<ModelVersion>
    {
        try await client.listVersions(model, cursor: cursor, pageSize: pageSize)
    }

    /// Every version of the model, newest first.
    public func allVersions(_ model: ModelID) -> VersionListing {
        client.allVersions(model)
    }

    /// The version's details.
    public func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
        try await client.version(model, number: number)
    }

    /// The version's configuration.
    public func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
        try await client.configuration(model, number: number)
    }
}

extension WriftAIClient {
    /// This client seen through its reads only, for code that must not change anything (a dry run).
    public var readOnly: ReadOnlyWriftAIClient {
        ReadOnlyWriftAIClient(self)
    }
}

extension ReadOnlyWriftAIClient: WriftAIPredictionReading {
    /// The prediction `id` names, as it is now.
    public func prediction(_ id: PredictionID) async throws(WriftAIError) -> Prediction {
        try await client.prediction(id)
    }
}
