import WriftAIModels

/// One change to the emulator's state: what the state file's journal records, one JSON line each, and what
/// replaying it does. The storage makes every change through ``apply(to:)`` too, so a replayed journal
/// rebuilds exactly the state that was served.
public enum StateChange: Codable, Sendable, Equatable {
    /// A new model.
    case createModel(ModelRecord)
    /// A new version of `owner/name`, numbered above every version the model ever had.
    case createVersion(owner: String, name: String, version: VersionRecord)
    /// Version `number` of `owner/name` removed.
    case deleteVersion(owner: String, name: String, number: Int)
    /// Version `number` of `owner/name` given `configuration`.
    case updateConfiguration(owner: String, name: String, number: Int, configuration: VersionConfiguration)

    /// Why a change does not fit the state it is applied to (a journal that does not belong to its
    /// snapshot, or was edited).
    public struct Mismatch: Error, CustomStringConvertible {
        /// What does not fit.
        public let description: String
    }

    /// Applies the change; `index` maps `owner/name` to the model's position in `state.models` and is
    /// kept up to date.
    ///
    /// - Throws: ``Mismatch`` when the change cannot apply: a model created twice, a version of a model
    ///   that does not exist, a version number not above the model's highest, a missing version.
    public func apply(to state: inout EmulatorState, index: inout [String: Int]) throws(Mismatch) {
        switch self {
        case .createModel(let model):
            let key = Self.key(model.owner, model.name)
            guard index[key] == nil else { throw Mismatch(description: "model \(key) is created a second time") }
            index[key] = state.models.count
            state.models.append(.init(model: model))
        case .createVersion(let owner, let name, let version):
            let position = try Self.model(owner, name, in: index)
            let highest = state.models[position].model.highestVersionNumber
            guard version.number > highest else {
                throw Mismatch(description: "version \(version.number) of \(owner)/\(name) is not above its highest number \(highest)")
            }
            state.models[position].model.highestVersionNumber = version.number
            state.models[position].model.updatedAt = version.createdAt
            state.models[position].versions.append(version)
        case .deleteVersion(let owner, let name, let number):
            let position = try Self.model(owner, name, in: index)
            let found = try Self.version(number, of: owner, name, in: state.models[position].versions)
            state.models[position].versions.remove(at: found)
        case .updateConfiguration(let owner, let name, let number, let configuration):
            let position = try Self.model(owner, name, in: index)
            let found = try Self.version(number, of: owner, name, in: state.models[position].versions)
            state.models[position].versions[found].configuration = configuration
        }
    }

    /// `owner/name` to position, for ``apply(to:index:)``.
    public static func index(of state: EmulatorState) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, stored) in state.models.enumerated() {
            index[key(stored.model.owner, stored.model.name)] = position
        }
        return index
    }

    static func key(_ owner: String, _ name: String) -> String {
        "\(owner)/\(name)"
    }

    private static func model(_ owner: String, _ name: String, in index: [String: Int]) throws(Mismatch) -> Int {
        guard let position = index[key(owner, name)] else {
            throw Mismatch(description: "model \(owner)/\(name) does not exist")
        }
        return position
    }

    private static func version(_ number: Int, of owner: String, _ name: String, in versions: [VersionRecord]) throws(Mismatch) -> Int {
        guard let found = position(of: number, in: versions) else {
            throw Mismatch(description: "version \(number) of \(owner)/\(name) does not exist")
        }
        return found
    }

    /// Binary search: versions are kept by ascending number.
    static func position(of number: Int, in versions: [VersionRecord]) -> Int? {
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

    // MARK: - Codable: `{"change": "create_version", "owner": …, "name": …, "version": {…}}`

    private enum Kind: String, Codable {
        case createModel = "create_model"
        case createVersion = "create_version"
        case deleteVersion = "delete_version"
        case updateConfiguration = "update_configuration"
    }

    private enum CodingKeys: String, CodingKey {
        case change, model, owner, name, version, number, configuration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .change) {
        case .createModel:
            self = .createModel(try container.decode(ModelRecord.self, forKey: .model))
        case .createVersion:
            self = .createVersion(
                owner: try container.decode(String.self, forKey: .owner),
                name: try container.decode(String.self, forKey: .name),
                version: try container.decode(VersionRecord.self, forKey: .version))
        case .deleteVersion:
            self = .deleteVersion(
                owner: try container.decode(String.self, forKey: .owner),
                name: try container.decode(String.self, forKey: .name),
                number: try container.decode(Int.self, forKey: .number))
        case .updateConfiguration:
            self = .updateConfiguration(
                owner: try container.decode(String.self, forKey: .owner),
                name: try container.decode(String.self, forKey: .name),
                number: try container.decode(Int.self, forKey: .number),
                configuration: try container.decode(VersionConfiguration.self, forKey: .configuration))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .createModel(let model):
            try container.encode(Kind.createModel, forKey: .change)
            try container.encode(model, forKey: .model)
        case .createVersion(let owner, let name, let version):
            try container.encode(Kind.createVersion, forKey: .change)
            try container.encode(owner, forKey: .owner)
            try container.encode(name, forKey: .name)
            try container.encode(version, forKey: .version)
        case .deleteVersion(let owner, let name, let number):
            try container.encode(Kind.deleteVersion, forKey: .change)
            try container.encode(owner, forKey: .owner)
            try container.encode(name, forKey: .name)
            try container.encode(number, forKey: .number)
        case .updateConfiguration(let owner, let name, let number, let configuration):
            try container.encode(Kind.updateConfiguration, forKey: .change)
            try container.encode(owner, forKey: .owner)
            try container.encode(name, forKey: .name)
            try container.encode(number, forKey: .number)
            try container.encode(configuration, forKey: .configuration)
        }
    }
}
