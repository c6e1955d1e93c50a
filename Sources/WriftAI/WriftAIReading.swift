import WriftAIModels

/// The API's read operations. A dry run holds a client of a type that has only these, so it cannot
/// change anything by construction (see ``ReadOnlyWriftAIClient``).
public protocol WriftAIReading: Sendable {
    /// The model with its latest version.
    func model(_ model: ModelID) async throws(WriftAIError) -> Model

    /// One page of the model's versions, newest first.
    ///
    /// - Parameters:
    ///   - cursor: The `next_cursor` of the previous page; `nil` for the first page.
    ///   - pageSize: 5 to 50; `nil` uses the server's default (25).
    func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError)
        -> Page<ModelVersion>

    /// Every version of the model, newest first, fetched page by page as the sequence is iterated.
    func allVersions(_ model: ModelID) -> VersionListing

    /// The version's details.
    func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails

    /// The version's configuration (owner only).
    func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration
}

extension WriftAIReading {
    /// The first page of the model's versions with the server's default page size.
    public func listVersions(_ model: ModelID) async throws(WriftAIError) -> Page<ModelVersion> {
        try await listVersions(model, cursor: nil, pageSize: nil)
    }

    /// The details of the version `id` names.
    public func version(_ id: VersionID) async throws(WriftAIError) -> ModelVersionDetails {
        try await version(id.model, number: id.number)
    }

    /// The configuration of the version `id` names.
    public func configuration(_ id: VersionID) async throws(WriftAIError) -> VersionConfiguration {
        try await configuration(id.model, number: id.number)
    }
}
