import WriftAIModels

/// The emulator's storage: state in memory, optionally mirrored to a ``StateFile`` after every change.
public actor InMemoryEmulatorStorage: EmulatorStorage {
    private var state: EmulatorState
    private var indexByKey: [String: Int]
    private let stateFile: StateFile?

    /// Creates storage, loading the state file first if one is given and exists.
    public init(stateFile: StateFile? = nil) throws {
        self.stateFile = stateFile
        let loaded = try stateFile?.load() ?? EmulatorState()
        self.state = loaded
        self.indexByKey = Self.index(of: loaded)
    }

    /// Creates storage holding `state`, without a state file.
    public init(state: EmulatorState) {
        self.stateFile = nil
        self.state = state
        self.indexByKey = Self.index(of: state)
    }

    /// A copy of everything stored.
    public func snapshot() -> EmulatorState {
        state
    }

    public func createModel(_ model: ModelRecord) throws -> Bool {
        guard indexByKey[Self.key(model.owner, model.name)] == nil else { return false }
        var next = state
        next.models.append(.init(model: model))
        try commit(next)
        return true
    }

    public func model(owner: String, name: String) -> ModelRecord? {
        indexByKey[Self.key(owner, name)].map { state.models[$0].model }
    }

    public func versions(owner: String, name: String) -> [VersionRecord]? {
        indexByKey[Self.key(owner, name)].map { state.models[$0].versions }
    }

    public func version(owner: String, name: String, number: Int) -> VersionRecord? {
        guard let index = indexByKey[Self.key(owner, name)] else { return nil }
        return Self.position(of: number, in: state.models[index].versions).map { state.models[index].versions[$0] }
    }

    public func createVersion(owner: String, name: String, draft: VersionDraft) throws -> VersionRecord? {
        guard let index = indexByKey[Self.key(owner, name)] else { return nil }
        var next = state
        var stored = next.models[index]
        let number = stored.model.highestVersionNumber + 1
        let record = VersionRecord(
            number: number,
            releaseNotes: draft.releaseNotes,
            createdAt: draft.createdAt,
            containerImageDigest: draft.containerImageDigest,
            schemas: draft.schemas,
            compatibilities: draft.compatibilities,
            size: Self.imageSize(digest: draft.containerImageDigest),
            configuration: draft.configuration ?? stored.versions.last?.configuration ?? draft.fallbackConfiguration
        )
        stored.model.highestVersionNumber = number
        stored.model.updatedAt = draft.createdAt
        stored.versions.append(record)
        next.models[index] = stored
        try commit(next)
        return record
    }

    public func deleteVersion(owner: String, name: String, number: Int) throws -> Bool {
        guard let index = indexByKey[Self.key(owner, name)],
            let position = Self.position(of: number, in: state.models[index].versions)
        else { return false }
        var next = state
        next.models[index].versions.remove(at: position)
        try commit(next)
        return true
    }

    public func updateConfiguration(
        owner: String,
        name: String,
        number: Int,
        update: ConfigurationUpdate
    ) throws -> VersionConfiguration? {
        guard let index = indexByKey[Self.key(owner, name)],
            let position = Self.position(of: number, in: state.models[index].versions)
        else { return nil }
        var next = state
        var configuration = next.models[index].versions[position].configuration
        if let hardwareIdentifier = update.hardwareIdentifier {
            configuration.hardwareIdentifier = hardwareIdentifier
        }
        if let variableNames = update.variableNames {
            configuration.variableNames = variableNames
        }
        next.models[index].versions[position].configuration = configuration
        try commit(next)
        return configuration
    }

    /// Saves `next` (when there is a state file) before adopting it, so memory never runs ahead of disk.
    private func commit(_ next: EmulatorState) throws {
        try stateFile?.save(next)
        state = next
        indexByKey = Self.index(of: next)
    }

    private static func key(_ owner: String, _ name: String) -> String {
        "\(owner)/\(name)"
    }

    private static func index(of state: EmulatorState) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, stored) in state.models.enumerated() {
            index[key(stored.model.owner, stored.model.name)] = position
        }
        return index
    }

    /// Binary search: versions are kept by ascending number.
    private static func position(of number: Int, in versions: [VersionRecord]) -> Int? {
        var low = 0
        var high = versions.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let candidate = versions[middle].number
            if candidate == number { return middle }
            if candidate < number { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// A stable, plausible image size derived from the digest (the emulator has no real image).
    private static func imageSize(digest: String) -> Int {
        let hex = digest.dropFirst("sha256:".count).prefix(6)
        return 100_000_000 + (Int(hex, radix: 16) ?? 0)
    }
}
