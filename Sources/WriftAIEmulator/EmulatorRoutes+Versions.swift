import Hummingbird
import WriftAIModels

extension EmulatorRoutes {
    /// `GET /v1/models/{owner}/{name}/versions`: one newest-first page.
    @Sendable func listVersions(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let query = request.uri.queryParameters
        if configuration.hostile.changesListings {
            _ = try await authorizedModel(owner: owner, name: name, user: user, access: .read)
            return try await hostileListing.respond(
                owner: owner, name: name, cursor: query.get("cursor"), pageSize: query.get("page_size")
            ) { owner, name in
                try await storage.versions(owner: owner, name: name)
            }
        }
        let (cursor, pageSize) = try RequestValidation.listQuery(
            cursor: query.get("cursor"),
            pageSize: query.get("page_size")
        )
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .read)
        guard let versions = try await storage.versions(owner: owner, name: name) else {
            throw APIError.modelNotFound
        }
        let result = VersionPager.page(of: versions, cursor: cursor, pageSize: pageSize)
        let legacy = configuration.faults.legacyList
        var nextCursor = result.nextCursor?.encoded
        if configuration.faults.repeatCursor, let given = query.get("cursor"), !given.isEmpty, nextCursor != nil {
            nextCursor = given
        }
        let page = Page(
            items: result.items.map { record in
                ModelVersion(
                    number: record.number,
                    releaseNotes: record.releaseNotes,
                    createdAt: record.createdAt,
                    containerImageDigest: legacy ? nil : record.containerImageDigest
                )
            },
            nextCursor: nextCursor,
            previousCursor: result.previousCursor?.encoded
        )
        return try JSONResponse.make(page)
    }

    /// `POST /v1/models/{owner}/{name}/versions`: validates, numbers and stores a version; 201 with its
    /// details and configuration.
    @Sendable func createVersion(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let new = try RequestValidation.newVersion(try await JSONBody.bytes(of: request))
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .write)
        let fallback = configuration.versionDefaults.configuration
        let draft = VersionDraft(
            releaseNotes: new.releaseNotes,
            containerImageDigest: new.containerImageDigest,
            schemas: new.schemas,
            compatibilities: new.compatibilities,
            configuration: new.configuration,
            fallbackConfiguration: VersionConfiguration(
                hardwareIdentifier: fallback.hardwareIdentifier,
                variableNames: fallback.variableNames
            ),
            createdAt: Timestamp.now(configuration.clock)
        )
        guard let record = try await storage.createVersion(owner: owner, name: name, draft: draft) else {
            throw APIError.modelNotFound
        }
        return try JSONResponse.make(record.details(includingConfiguration: true), status: .created)
    }

    /// `GET /v1/models/{owner}/{name}/versions/{number}`: the version's details.
    @Sendable func getVersion(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let number = try RequestValidation.versionNumber(context.parameters.get("number"))
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .read)
        guard let record = try await storage.version(owner: owner, name: name, number: number) else {
            throw APIError.versionNotFound
        }
        return try JSONResponse.make(record.details())
    }

    /// `DELETE /v1/models/{owner}/{name}/versions/{number}`: 204 with an empty body.
    @Sendable func deleteVersion(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let number = try RequestValidation.versionNumber(context.parameters.get("number"))
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .write)
        guard try await storage.deleteVersion(owner: owner, name: name, number: number) else {
            throw APIError.versionNotFound
        }
        return Response(status: .noContent)
    }
}
