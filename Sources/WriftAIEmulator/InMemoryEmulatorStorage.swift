import Foundation
import WriftAIModels

/// The emulator's storage: state in memory, optionally journaled to a ``StateFile`` (one flushed line per
/// change, written before the change is adopted and acknowledged).
public actor InMemoryEmulatorStorage: EmulatorStorage {
    private var state: EmulatorState
    private var indexByKey: [String: Int]
    private let journal: StateJournal?

    /// Creates storage, loading the state file first if one is given and exists.
    public init(stateFile: StateFile? = nil) throws {
        let contents = try stateFile?.read()
        let loaded = contents?.state ?? EmulatorState()
        self.state = loaded
        self.indexByKey = StateChange.index(of: loaded)
        self.journal = try stateFile.map { try StateJournal(file: $0, contents: contents) }
    }

    /// Creates storage holding `state`, without a state file.
    public init(state: EmulatorState) {
        self.journal = nil
        self.state = state
        self.indexByKey = StateChange.index(of: state)
    }

    /// A copy of everything stored.
    public func snapshot() -> EmulatorState {
        state
    }

    public func createModel(_ model: ModelRecord) throws -> Bool {
        guard indexByKey[StateChange.key(model.owner, model.name)] == nil else { return false }
        try commit(.createModel(model))
        return true
    }

    public func model(owner: String, name: String) -> ModelRecord? {
        indexByKey[StateChange.key(owner, name)].map { state.models[$0].model }
    }

    public func versions(owner: String, name: String) -> [VersionRecord]? {
        indexByKey[StateChange.key(owner, name)].map { state.models[$0].versions }
    }

    public func version(owner: String, name: String, number: Int) -> VersionRecord? {
        guard let index = indexByKey[StateChange.key(owner, name)] else { return nil }
        return StateChange.position(of: number, in: state.models[index].versions).map { state.models[index].versions[$0] }
    }

    public func createVersion(owner: String, name: String, draft: VersionDraft) throws -> VersionRecord? {
        guard let index = indexByKey[StateChange.key(owner, name)] else { return nil }
        let stored = state.models[index]
        let record = VersionRecord(
            number: stored.model.highestVersionNumber + 1,
            releaseNotes: draft.releaseNotes,
            createdAt: draft.createdAt,
            containerImageDigest: draft.containerImageDigest,
            schemas: draft.schemas,
            compatibilities: draft.compatibilities,
            size: Self.imageSize(digest: draft.containerImageDigest),
            configuration: draft.configuration ?? stored.versions.last?.configuration ?? draft.fallbackConfiguration
        )
        try commit(.createVersion(owner: owner, name: name, version: record))
        return record
    }

    public func deleteVersion(owner: String, name: String, number: Int) throws -> Bool {
        guard let index = indexByKey[StateChange.key(owner, name)],
            StateChange.position(of: number, in: state.models[index].versions) != nil
        else { return false }
        try commit(.deleteVersion(owner: owner, name: name, number: number))
        return true
    }

    public func updateConfiguration(
        owner: String,
        name: String,
        number: Int,
        update: ConfigurationUpdate
    ) throws -> VersionConfiguration? {
        guard let index = indexByKey[StateChange.key(owner, name)],
            let position = StateChange.position(of: number, in: state.models[index].versions)
        else { return nil }
        var configuration = state.models[index].versions[position].configuration
        if let hardwareIdentifier = update.hardwareIdentifier {
            configuration.hardwareIdentifier = hardwareIdentifier
        }
        if let variableNames = update.variableNames {
            configuration.variableNames = variableNames
        }
        try commit(.updateConfiguration(owner: owner, name: name, number: number, configuration: configuration))
        return configuration
    }

    /// Journals `change` (when there is a state file) before adopting it, so memory never runs ahead of
    /// disk; compacts the file when due.
    private func commit(_ change: StateChange) throws {
        try journal?.append(change, onto: state)
        do {
            try change.apply(to: &state, index: &indexByKey)
        } catch {
            // Checked by the caller, so unreachable; were it not, the journal must not keep a record the
            // state does not have.
            journal?.invalidate()
            throw error
        }
        if let journal, journal.isCompactionDue {
            do {
                try journal.compact(state)
            } catch {
                // The change itself is on disk already: it stands, and the journal keeps growing.
                FileHandle.standardError.write(Data("wriftai-emulator: compacting the state file failed (will retry): \(error)\n".utf8))
            }
        }
    }

    /// A stable, plausible image size derived from the digest (the emulator has no real image).
    private static func imageSize(digest: String) -> Int {
        let hex = digest.dropFirst("sha256:".count).prefix(6)
        return 100_000_000 + (Int(hex, radix: 16) ?? 0)
    }
}
