import Hummingbird
import WriftAIModels

extension EmulatorRoutes {
    /// `GET /v1/models/{owner}/{name}/versions/{number}/configuration`: owner only, since it names the
    /// model's variables.
    @Sendable func getConfiguration(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let number = try RequestValidation.versionNumber(context.parameters.get("number"))
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .write)
        guard let record = try await storage.version(owner: owner, name: name, number: number) else {
            throw APIError.versionNotFound
        }
        return try JSONResponse.make(record.configuration)
    }

    /// `PATCH /v1/models/{owner}/{name}/versions/{number}/configuration`: replaces the given fields and
    /// answers the new configuration.
    @Sendable func updateConfiguration(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let number = try RequestValidation.versionNumber(context.parameters.get("number"))
        let update = try RequestValidation.configurationUpdate(try await JSONBody.bytes(of: request))
        _ = try await authorizedModel(owner: owner, name: name, user: user, access: .write)
        guard
            let configuration = try await storage.updateConfiguration(
                owner: owner,
                name: name,
                number: number,
                update: update
            )
        else {
            throw APIError.versionNotFound
        }
        return try JSONResponse.make(configuration)
    }
}
