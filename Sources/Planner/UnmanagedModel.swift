/// A model the previous revision declared and this one does not: WriftSync stops managing it and leaves its
/// live versions alone (it never deletes a model's versions because its declaration went away). Shown so
/// that a reviewer knows that removing a file deletes nothing.
///
/// Found cheaply: the declaration files under the directory that were deleted or changed since the commit's
/// first parent (for a plan of the working tree, since HEAD) are parsed there for their `model:` names only.
public struct UnmanagedModel: Codable, Sendable, Equatable {
    /// `owner/name`.
    public var model: String
    /// The file that declared it at `lastDeclaredAt`.
    public var declaredIn: String
    /// The commit that still declared it: the first parent (or HEAD, for the working tree).
    public var lastDeclaredAt: String

    /// Creates an unmanaged model.
    public init(model: String, declaredIn: String, lastDeclaredAt: String) {
        self.model = model
        self.declaredIn = declaredIn
        self.lastDeclaredAt = lastDeclaredAt
    }

    enum CodingKeys: String, CodingKey {
        case model
        case declaredIn = "declared_in"
        case lastDeclaredAt = "last_declared_at"
    }
}
