import Foundation
import Hummingbird
import WriftAIModels

extension EmulatorRoutes {
    /// `POST /v1/models`: creates a model owned by the caller; 409 if the caller already has one so named.
    @Sendable func createModel(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let new = try RequestValidation.newModel(try await JSONBody.bytes(of: request))
        let record = ModelRecord(
            id: UUID().uuidString.lowercased(),
            owner: user,
            name: new.name,
            visibility: new.visibility,
            description: new.description,
            createdAt: Timestamp.now(configuration.clock)
        )
        guard try await storage.createModel(record) else { throw APIError.modelExists }
        return try JSONResponse.make(apiModel(record, latest: nil), status: .created)
    }

    /// `GET /v1/models/{owner}/{name}`: the model with its latest version, or `null` for none.
    @Sendable func getModel(_ request: Request, context: EmulatorRequestContext) async throws -> Response {
        let user = try requireUser(context)
        let (owner, name) = try modelPath(context)
        let model = try await authorizedModel(owner: owner, name: name, user: user, access: .read)
        let latest = try await storage.versions(owner: owner, name: name)?.last
        return try JSONResponse.make(apiModel(model, latest: latest))
    }
}
