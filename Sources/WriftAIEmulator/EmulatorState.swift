/// Everything the emulator stores, in the shape of its state file.
public struct EmulatorState: Codable, Sendable, Equatable {
    /// One model and its versions.
    public struct StoredModel: Codable, Sendable, Equatable {
        /// The model.
        public var model: ModelRecord
        /// Its versions, by ascending number.
        public var versions: [VersionRecord]

        /// Creates a stored model.
        public init(model: ModelRecord, versions: [VersionRecord] = []) {
            self.model = model
            self.versions = versions
        }
    }

    /// The state file format's version, for future migrations.
    public var formatVersion: Int
    /// All models, in creation order.
    public var models: [StoredModel]

    /// Creates a state.
    public init(formatVersion: Int = 1, models: [StoredModel] = []) {
        self.formatVersion = formatVersion
        self.models = models
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case models
    }
}
