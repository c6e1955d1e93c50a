import Hummingbird
import WriftAIModels

extension EmulatorRoutes {
    /// What a request wants to do with a model; decides between 403 and success on public models.
    enum Access {
        case read
        case write
    }

    /// The authenticated caller, or 401.
    func requireUser(_ context: EmulatorRequestContext) throws -> String {
        guard let user = context.user else { throw APIError.unauthorized }
        return user
    }

    /// The `owner` and `name` path parameters.
    func modelPath(_ context: EmulatorRequestContext) throws -> (owner: String, name: String) {
        (try context.parameters.require("owner"), try context.parameters.require("name"))
    }

    /// The model the request names, if `user` may access it as asked.
    ///
    /// Another user's private model is answered 404, like a missing one, so that its existence does not
    /// leak; writing to another user's public model is answered 403.
    func authorizedModel(owner: String, name: String, user: String, access: Access) async throws -> ModelRecord {
        guard let model = try await storage.model(owner: owner, name: name) else {
            throw APIError.modelNotFound
        }
        guard model.owner != user else { return model }
        switch (model.visibility, access) {
        case (.private, _):
            throw APIError.modelNotFound
        case (.public, .write):
            throw APIError.forbidden
        case (.public, .read):
            return model
        }
    }

    /// The API view of a stored model, with its latest version.
    func apiModel(_ model: ModelRecord, latest: VersionRecord?) -> Model {
        Model(
            id: model.id,
            name: model.name,
            owner: ModelOwner(
                accountID: StableID.of("user:\(model.owner)"),
                name: model.owner,
                avatarURL: "/avatars/\(model.owner).png"
            ),
            visibility: model.visibility,
            description: model.description,
            createdAt: model.createdAt,
            updatedAt: model.updatedAt,
            predictionsCount: 0,
            latestVersion: latest?.details()
        )
    }
}
