/// The body of `POST /models`: a model owned by the caller.
public struct CreateModelRequest: Codable, Sendable, Equatable {
    /// The model's name, unique among the caller's models.
    public var name: String
    /// Who can see the model; the server defaults to private.
    public var visibility: ModelVisibility?
    /// A short description.
    public var description: String?

    /// Creates a request.
    public init(name: String, visibility: ModelVisibility? = nil, description: String? = nil) {
        self.name = name
        self.visibility = visibility
        self.description = description
    }
}
