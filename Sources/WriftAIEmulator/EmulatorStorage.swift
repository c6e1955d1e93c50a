import WriftAIModels

/// Where the emulator keeps models and versions. Every method is atomic with respect to the others.
public protocol EmulatorStorage: Sendable {
    /// Stores `model` unless a model with its owner and name exists; returns whether it was stored.
    func createModel(_ model: ModelRecord) async throws -> Bool

    /// The model `owner/name`, or `nil`.
    func model(owner: String, name: String) async throws -> ModelRecord?

    /// The model's versions, ordered by ascending number, or `nil` if the model does not exist.
    func versions(owner: String, name: String) async throws -> [VersionRecord]?

    /// Version `number` of `owner/name`, or `nil` if the model or the version does not exist.
    func version(owner: String, name: String, number: Int) async throws -> VersionRecord?

    /// Gives `draft` the number after the highest ever assigned in the model and stores it.
    ///
    /// A draft without a configuration inherits the one of the model's latest version, or else its
    /// fallback. Returns `nil` if the model does not exist.
    func createVersion(owner: String, name: String, draft: VersionDraft) async throws -> VersionRecord?

    /// Removes version `number`; returns whether it existed.
    func deleteVersion(owner: String, name: String, number: Int) async throws -> Bool

    /// Applies `update` to version `number`'s configuration; returns the new configuration, or `nil`
    /// if there is no such version.
    func updateConfiguration(
        owner: String,
        name: String,
        number: Int,
        update: ConfigurationUpdate
    ) async throws -> VersionConfiguration?
}
