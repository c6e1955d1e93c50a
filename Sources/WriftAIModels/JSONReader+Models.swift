/// Types read by ``JSONReader`` before `JSONDecoder` is tried.
///
/// Each reading mirrors the type's `Decodable` conformance — the same keys, `null` or a missing key where
/// that gives `nil` or a default, unknown keys read and ignored — and gives up (`nil`) wherever it is not
/// certain to agree, leaving the value or the error to `JSONDecoder`.
public protocol JSONFastReadable: Decodable {
    /// The value the JSON text `bytes` holds, or `nil` to have `JSONDecoder` decode it.
    static func read(json bytes: UnsafeBufferPointer<UInt8>) -> Self?
}

extension JSONFastReadable {
    /// Decodes `bytes` through ``read(json:)``, falling back on `decoder` (which also gives every error).
    public static func decode(json bytes: [UInt8], fallback decoder: ([UInt8]) throws -> Self) rethrows -> Self {
        if let value = bytes.withUnsafeBufferPointer({ read(json: $0) }) { return value }
        return try decoder(bytes)
    }
}

extension JSONReader {
    /// Reads a whole document with `body`, which must leave nothing but whitespace after it.
    static func document<Value>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout JSONReader) -> Value?) -> Value? {
        var reader = JSONReader(bytes)
        guard let value = body(&reader), reader.isAtEnd() else { return nil }
        return value
    }

    /// `null` as `nil`, otherwise `read`'s value (`decodeIfPresent`'s reading of a present key).
    mutating func readOptional<Value>(_ read: (inout JSONReader) -> Value?) -> Value?? {
        if consumeNull() { return .some(nil) }
        return read(&self).map { .some($0) }
    }

    /// Reads a member's value into `field` with `read`: whether it could (the answer a ``readObject(checkingKeys:_:)``
    /// member gives).
    mutating func store<Value>(_ field: inout Value?, _ read: (inout JSONReader) -> Value?) -> Bool {
        field = read(&self)
        return field != nil
    }

    /// Reads and drops a member's value: whether it is valid JSON.
    mutating func skipValue() -> Bool {
        readValue() != nil
    }
}

/// The fields a list item and a version's details share, as read so far.
struct VersionFields {
    var number: Int?
    var releaseNotes: String?
    var createdAt: String?
    var digest: String??

    /// Reads the value of `key` if it is one of these fields: `nil` when it is not, else whether it could.
    mutating func read(_ key: String, from reader: inout JSONReader) -> Bool? {
        switch key {
        case "number": reader.store(&number) { $0.readInt() }
        case "release_notes": reader.store(&releaseNotes) { $0.readString() }
        case "created_at": reader.store(&createdAt) { $0.readString() }
        case "container_image_digest": reader.store(&digest) { $0.readOptional { $0.readString() } }
        default: nil
        }
    }
}

extension JSONValue: JSONFastReadable {
    /// Any JSON value.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        JSONReader.document(bytes) { $0.readValue() }
    }
}

extension ModelVersion: JSONFastReadable {
    /// A list item.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> ModelVersion? {
        JSONReader.document(bytes) { ModelVersion(reading: &$0) }
    }

    init?(reading reader: inout JSONReader) {
        var fields = VersionFields()
        let read: Void? = reader.readObject { reader, key in
            fields.read(key, from: &reader) ?? reader.skipValue()
        }
        guard read != nil, let number = fields.number, let releaseNotes = fields.releaseNotes,
            let createdAt = fields.createdAt
        else { return nil }
        self.init(
            number: number, releaseNotes: releaseNotes, createdAt: createdAt,
            containerImageDigest: fields.digest ?? nil)
    }
}

extension Page: JSONFastReadable where Item == ModelVersion {
    /// A page of list items.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> Page<ModelVersion>? {
        JSONReader.document(bytes) { reader in
            var items: [ModelVersion]?
            var nextCursor: String??
            var previousCursor: String??
            let read: Void? = reader.readObject { reader, key in
                switch key {
                case "items":
                    reader.store(&items) { $0.readList { ModelVersion(reading: &$0) } }
                case "next_cursor": reader.store(&nextCursor) { $0.readOptional { $0.readString() } }
                case "previous_cursor": reader.store(&previousCursor) { $0.readOptional { $0.readString() } }
                default: reader.skipValue()
                }
            }
            guard read != nil, let items else { return nil }
            return Page(items: items, nextCursor: nextCursor ?? nil, previousCursor: previousCursor ?? nil)
        }
    }
}

extension ModelVersionDetails: JSONFastReadable {
    /// A version's details.
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> ModelVersionDetails? {
        JSONReader.document(bytes) { ModelVersionDetails(reading: &$0) }
    }

    init?(reading reader: inout JSONReader) {
        var fields = VersionFields()
        var schemas: Schemas?
        var compatibilities: Compatibilities?
        var size: Int??
        var configuration: VersionConfiguration??
        let read: Void? = reader.readObject { reader, key in
            if let read = fields.read(key, from: &reader) { return read }
            return switch key {
            case "schemas": reader.store(&schemas) { Schemas(reading: &$0) }
            case "compatibilities": reader.store(&compatibilities) { Compatibilities(reading: &$0) }
            case "size": reader.store(&size) { $0.readOptional { $0.readInt() } }
            case "configuration": reader.store(&configuration) { $0.readOptional { VersionConfiguration(reading: &$0) } }
            default: reader.skipValue()
            }
        }
        guard read != nil, let number = fields.number, let releaseNotes = fields.releaseNotes,
            let createdAt = fields.createdAt, let schemas, let compatibilities
        else { return nil }
        self.init(
            number: number, releaseNotes: releaseNotes, createdAt: createdAt,
            containerImageDigest: fields.digest ?? nil, schemas: schemas, compatibilities: compatibilities,
            size: size ?? nil, configuration: configuration ?? nil)
    }
}

extension Model: JSONFastReadable {
    /// A model with its latest version (read before an apply's first write to each model).
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> Model? {
        JSONReader.document(bytes) { reader in
            var id: String?
            var name: String?
            var owner: ModelOwner?
            var visibility: ModelVisibility?
            var description: String??
            var createdAt: String?
            var updatedAt: String??
            var predictionsCount: Int??
            var latestVersion: ModelVersionDetails??
            let read: Void? = reader.readObject { reader, key in
                switch key {
                case "id": reader.store(&id) { $0.readString() }
                case "name": reader.store(&name) { $0.readString() }
                case "owner": reader.store(&owner) { ModelOwner(reading: &$0) }
                case "visibility": reader.store(&visibility) { $0.readString().flatMap(ModelVisibility.init(rawValue:)) }
                case "description": reader.store(&description) { $0.readOptional { $0.readString() } }
                case "created_at": reader.store(&createdAt) { $0.readString() }
                case "updated_at": reader.store(&updatedAt) { $0.readOptional { $0.readString() } }
                case "predictions_count": reader.store(&predictionsCount) { $0.readOptional { $0.readInt() } }
                case "latest_version":
                    reader.store(&latestVersion) { $0.readOptional { ModelVersionDetails(reading: &$0) } }
                default: reader.skipValue()
                }
            }
            guard read != nil, let id, let name, let owner, let visibility, let createdAt else { return nil }
            return Model(
                id: id, name: name, owner: owner, visibility: visibility, description: description ?? nil,
                createdAt: createdAt, updatedAt: updatedAt ?? nil, predictionsCount: (predictionsCount ?? nil) ?? 0,
                latestVersion: latestVersion ?? nil)
        }
    }
}

extension ModelOwner {
    init?(reading reader: inout JSONReader) {
        var accountID: String?
        var name: String?
        var avatarURL: String?
        let read: Void? = reader.readObject { reader, key in
            switch key {
            case "account_id": reader.store(&accountID) { $0.readString() }
            case "name": reader.store(&name) { $0.readString() }
            case "avatar_url": reader.store(&avatarURL) { $0.readString() }
            default: reader.skipValue()
            }
        }
        guard read != nil, let accountID, let name, let avatarURL else { return nil }
        self.init(accountID: accountID, name: name, avatarURL: avatarURL)
    }
}

extension Schemas {
    init?(reading reader: inout JSONReader) {
        var prediction: PredictionSchemas?
        let read: Void? = reader.readObject { reader, key in
            key == "prediction" ? reader.store(&prediction) { PredictionSchemas(reading: &$0) } : reader.skipValue()
        }
        guard read != nil, let prediction else { return nil }
        self.init(prediction: prediction)
    }
}

extension PredictionSchemas {
    init?(reading reader: inout JSONReader) {
        var input: JSONValue?
        var output: JSONValue?
        var streamOutput: JSONValue??
        let read: Void? = reader.readObject { reader, key in
            switch key {
            // A required `JSONValue` reads `null` as `.null`, as its `Decodable` conformance does.
            case "input": reader.store(&input) { $0.readValue(depth: 3) }
            case "output": reader.store(&output) { $0.readValue(depth: 3) }
            case "stream_output": reader.store(&streamOutput) { $0.readOptional { $0.readValue(depth: 3) } }
            default: reader.skipValue()
            }
        }
        guard read != nil, let input, let output else { return nil }
        self.init(input: input, output: output, streamOutput: streamOutput ?? nil)
    }
}

extension Compatibilities {
    init?(reading reader: inout JSONReader) {
        var flags = [Bool](repeating: false, count: 5)
        let read: Void? = reader.readObject { reader, key in
            let slot: Int
            switch key {
            case "openai_chat_completions": slot = 0
            case "openai_embeddings": slot = 1
            case "openai_images_generations": slot = 2
            case "openai_responses": slot = 3
            case "anthropic_messages": slot = 4
            default: return reader.skipValue()
            }
            guard let flag = reader.readOptional({ $0.readBool() }) else { return false }
            flags[slot] = flag ?? false
            return true
        }
        guard read != nil else { return nil }
        self.init(
            openaiChatCompletions: flags[0], openaiEmbeddings: flags[1], openaiImagesGenerations: flags[2],
            openaiResponses: flags[3], anthropicMessages: flags[4])
    }
}

extension VersionConfiguration: JSONFastReadable {
    /// A version's configuration (the answer to reading or updating it).
    public static func read(json bytes: UnsafeBufferPointer<UInt8>) -> VersionConfiguration? {
        JSONReader.document(bytes) { VersionConfiguration(reading: &$0) }
    }

    init?(reading reader: inout JSONReader) {
        var hardware: String?
        var variables: [String]?
        let read: Void? = reader.readObject { reader, key in
            switch key {
            case "hardware_identifier": reader.store(&hardware) { $0.readString() }
            case "variable_names": reader.store(&variables) { $0.readList { $0.readString() } }
            default: reader.skipValue()
            }
        }
        guard read != nil, let hardware, let variables else { return nil }
        self.init(hardwareIdentifier: hardware, variableNames: variables)
    }
}
