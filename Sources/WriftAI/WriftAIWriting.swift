import WriftAIModels

/// The API's write operations, on top of the reads.
public protocol WriftAIWriting: WriftAIReading {
    /// Creates a version, never twice: when the outcome of a send is unknown (5xx, lost connection,
    /// timeout), the model's versions are searched for the request's digest, and the request is sent
    /// again only if no version has it.
    ///
    /// - Returns: The new version; when it was found by its digest rather than from the create's own
    ///   answer, its details as `GET …/versions/{number}` gives them (without `configuration`).
    func createVersion(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError)
        -> ModelVersionDetails

    /// Deletes a version. A 404 after a retry (the earlier attempt's answer was lost) counts as done.
    @discardableResult
    func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome

    /// Replaces the given fields of a version's configuration and returns the new configuration.
    func updateConfiguration(_ model: ModelID, number: Int, _ update: ConfigurationUpdate)
        async throws(WriftAIError) -> VersionConfiguration
}

extension WriftAIWriting {
    /// Deletes the version `id` names.
    @discardableResult
    public func deleteVersion(_ id: VersionID) async throws(WriftAIError) -> DeleteOutcome {
        try await deleteVersion(id.model, number: id.number)
    }

    /// Updates the configuration of the version `id` names.
    public func updateConfiguration(_ id: VersionID, _ update: ConfigurationUpdate) async throws(WriftAIError)
        -> VersionConfiguration
    {
        try await updateConfiguration(id.model, number: id.number, update)
    }
}
