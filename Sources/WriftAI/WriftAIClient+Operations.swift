import WriftAIModels

extension WriftAIClient {
    /// The model with its latest version.
    public func model(_ model: ModelID) async throws(WriftAIError) -> Model {
        let endpoint = Endpoint.model(model)
        let answer = try await get(Model.self, endpoint)
        try validation(model, endpoint).checkModel(answer)
        return answer
    }

    /// One page of the model's versions, newest first, validated (see ``AnswerValidation``): valid
    /// numbers and digests, no number twice, a cursor of bounded length.
    ///
    /// - Parameters:
    ///   - cursor: The `next_cursor` of the previous page; `nil` for the first page.
    ///   - pageSize: 5 to 50; `nil` uses the server's default (25).
    public func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError)
        -> Page<ModelVersion>
    {
        try await listedPage(model, cursor: cursor, pageSize: pageSize).page
    }

    /// One page, validated, with the server's clock when it answered.
    func listedPage(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError)
        -> (page: Page<ModelVersion>, serverTime: Double?)
    {
        var query: [(String, String)] = []
        if let cursor { query.append(("cursor", cursor)) }
        if let pageSize { query.append(("page_size", String(pageSize))) }
        let endpoint = Endpoint.versions(model, method: .get, query: query)
        let response = try await sendWithRetries(endpoint)
        let page = try decode(Page<ModelVersion>.self, from: response, endpoint: endpoint)
        try validation(model, endpoint).checkPage(page, maxCursorLength: configuration.pagination.maxCursorLength)
        return (page, response.serverTime)
    }

    /// Every version of the model, newest first, in pages of ``Configuration/Pagination/pageSize`` (50),
    /// each page validated, no number listed twice across pages, at most
    /// ``Configuration/Pagination/maxItems`` versions in ``Configuration/Pagination/pageLimit`` pages.
    public func allVersions(_ model: ModelID) -> VersionListing {
        let pageSize = configuration.pagination.pageSize
        return VersionListing(
            model: model,
            maxPages: configuration.pagination.pageLimit,
            maxItems: configuration.pagination.maxItems,
            redact: redact,
            path: basePath + Endpoint.versions(model, method: .get).path
        ) { [self] (cursor: String?) async throws(WriftAIError) -> (page: Page<ModelVersion>, serverTime: Double?) in
            try await listedPage(model, cursor: cursor, pageSize: pageSize)
        }
    }

    /// The version's details, validated: for `number`, with a valid digest (see ``AnswerValidation``).
    public func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
        let endpoint = Endpoint.version(model, number: number, method: .get)
        let details = try await get(ModelVersionDetails.self, endpoint)
        try validation(model, endpoint).checkDetails(details, number: number)
        return details
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

    /// The checks of answers to `endpoint`.
    func validation(_ model: ModelID, _ endpoint: Endpoint) -> AnswerValidation {
        AnswerValidation(
            model: model,
            context: WriftAIError.Context(
                method: endpoint.method.rawValue, path: basePath + endpoint.pathAndQuery, status: 200),
            redact: redact
        )
    }

    /// A GET with retries, read by ``JSONFastReadable/read(json:)`` when it can.
    private func get<Value: JSONFastReadable>(_ type: Value.Type, _ endpoint: Endpoint) async throws(WriftAIError) -> Value {
        let response = try await sendWithRetries(endpoint)
        return try decode(Value.self, from: response, endpoint: endpoint)
    }
}
