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

    /// ``createVersion(_:_:)``, also telling whether every send of it had a known outcome.
    func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError)
        -> CreatedVersion

    /// Deletes a version. A 404 after a retry (the earlier attempt's answer was lost) counts as done.
    @discardableResult
    func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome

    /// Replaces the given fields of a version's configuration and returns the new configuration.
    func updateConfiguration(_ model: ModelID, number: Int, _ update: ConfigurationUpdate)
        async throws(WriftAIError) -> VersionConfiguration
}

/// A version made by ``WriftAIWriting/createVersionReportingSends(_:_:)``.
public struct CreatedVersion: Sendable {
    /// The new version.
    public var details: ModelVersionDetails
    /// Whether every send of this create had a known outcome (the version came from a send's own answer,
    /// after at most refusals such as 429): then no send of it can still act later, on a slow server.
    /// `false` when any send's outcome was unknown (lost answer, 5xx, timeout).
    public var noSendInDoubt: Bool
    /// The create answer's JSON, exactly as received, when `details` were decoded (and validated) from it;
    /// `nil` when the version was found by listing. Lets a cache keep the answer without encoding it again.
    public var answer: [UInt8]?

    /// Creates the value.
    public init(details: ModelVersionDetails, noSendInDoubt: Bool, answer: [UInt8]? = nil) {
        self.details = details
        self.noSendInDoubt = noSendInDoubt
        self.answer = answer
    }
}

extension WriftAIWriting {
    /// Without knowledge of the sends, conservatively reports that some may still act.
    public func createVersionReportingSends(_ model: ModelID, _ request: CreateVersionRequest) async throws(WriftAIError)
        -> CreatedVersion
    {
        CreatedVersion(details: try await createVersion(model, request), noSendInDoubt: false)
    }

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
