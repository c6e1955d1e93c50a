import WriftAIModels

extension WriftAIClient {
    /// The model with its latest version.
    public func model(_ model: ModelID) async throws(WriftAIError) -> Model {
        let endpoint = Endpoint.model(model)
        return try await get(Model.self, endpoint)
    }

    /// One page of the model's versions, newest first.
    ///
    /// - Parameters:
    ///   - cursor: The `next_cursor` of the previous page; `nil` for the first page.
    ///   - pageSize: 5 to 50; `nil` uses the server's default (25).
    public func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError)
        -> Page<ModelVersion>
    {
        var query: [(String, String)] = []
        if let cursor { query.append(("cursor", cursor)) }
        if let pageSize { query.append(("page_size", String(pageSize))) }
        return try await get(Page<ModelVersion>.self, .versions(model, method: .get, query: query))
    }

    /// Every version of the model, newest first, in pages of ``Configuration/Pagination/pageSize`` (50).
    public func allVersions(_ model: ModelID) -> VersionListing {
        let pageSize = configuration.pagination.pageSize
        return VersionListing(
            model: model,
            maxPages: configuration.pagination.maxPages,
            path: basePath + Endpoint.versions(model, method: .get).path
        ) { [self] (cursor: String?) async throws(WriftAIError) -> Page<ModelVersion> in
            try await listVersions(model, cursor: cursor, pageSize: pageSize)
        }
    }

    /// The version's details.
    public func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
        try await get(ModelVersionDetails.self, .version(model, number: number, method: .get))
    }

    /// The version's configuration (owner only).
    public func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
        try await get(VersionConfiguration.self, .configuration(model, number: number, method: .get))
    }

    /// Replaces the given fields of a version's configuration; retried freely, since sending the same
    /// values twice changes nothing more.
    public func updateConfiguration(
        _ model: ModelID,
        number: Int,
        _ update: ConfigurationUpdate
    ) async throws(WriftAIError) -> VersionConfiguration {
        let endpoint = Endpoint.configuration(model, number: number, method: .patch)
        let body = try encode(update)
        let response = try await sendWithRetries(endpoint, body: body)
        return try decode(VersionConfiguration.self, from: response, endpoint: endpoint)
    }

    /// Deletes a version; accepts 200 or 204, with or without a body. A 404 after a retry means an
    /// earlier attempt deleted it and lost the answer, and counts as done.
    @discardableResult
    public func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome {
        let endpoint = Endpoint.version(model, number: number, method: .delete)
        return try await withRetries(endpoint) { attempt throws(WriftAIError) in
            do throws(WriftAIError) {
                _ = try await send(endpoint, attempt: attempt)
                return .deleted
            } catch .notFound where attempt > 1 {
                return .alreadyDeleted
            }
        }
    }

    /// A GET with retries, decoded.
    private func get<Value: Decodable>(_ type: Value.Type, _ endpoint: Endpoint) async throws(WriftAIError) -> Value {
        let response = try await sendWithRetries(endpoint)
        return try decode(Value.self, from: response, endpoint: endpoint)
    }
}
