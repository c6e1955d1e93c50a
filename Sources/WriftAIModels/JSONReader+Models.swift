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
        var number: Int?
        var releaseNotes: String?
        var createdAt: String?
        var digest: String??
        let read: Void? = reader.readObject { reader, key in
            switch key {
            case "number":
                number = reader.readInt()
                return number != nil
            case "release_notes":
                releaseNotes = reader.readString()
                return releaseNotes != nil
            case "created_at":
                createdAt = reader.readString()
                return createdAt != nil
            case "container_image_digest":
                digest = reader.readOptional { $0.readString() }
                return digest != nil
            default:
                return reader.readValue() != nil
            }
        }
        guard read != nil, let number, let releaseNotes, let createdAt else { return nil }
        self.init(number: number, releaseNotes: releaseNotes, createdAt: createdAt, containerImageDigest: digest ?? nil)
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
                    var list: [ModelVersion] = []
                    let read: Void? = reader.readArray { reader in
                        guard let item = ModelVersion(reading: &reader) else { return false }
                        list.append(item)
                        return true
                    }
                    items = read.map { list }
                    return items != nil
                case "next_cursor":
                    nextCursor = reader.readOptional { $0.readString() }
                    return nextCursor != nil
                case "previous_cursor":
                    previousCursor = reader.readOptional { $0.readString() }
                    return previousCursor != nil
                default:
                    return reader.readValue() != nil
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
        var number: Int?
        var releaseNotes: String?
        var createdAt: String?
        var digest: String??
        var schemas: Schemas?
        var compatibilities: Compatibilities?
        var size: Int??
        var configuration: VersionConfiguration??
        let read: Void? = reader.readObject { reader, key in
            switch key {
            case "number":
                number = reader.readInt()
                return number != nil
            case "release_notes":
                releaseNotes = reader.readString()
                return releaseNotes != nil
            case "created_at":
                createdAt = reader.readString()
                return createdAt != nil
            case "container_image_digest":
                digest = reader.readOptional { $0.readString() }
                return digest != nil
            case "schemas":
                schemas = Schemas(reading: &reader)
                return schemas != nil
            case "compatibilities":
                compatibilities = Compatibilities(reading: &reader)
                return compatibilities != nil
            case "size":
                size = reader.readOptional { $0.readInt() }
                return size != nil
            case "configuration":
                configuration = reader.readOptional { VersionConfiguration(reading: &$0) }
                return configuration != nil
            default:
                return reader.readValue() != nil
            }
        }
        guard read != nil, let number, let releaseNotes, let createdAt, let schemas, let compatibilities
        else { return nil }
        self.init(
            number: number, releaseNotes: releaseNotes, createdAt: createdAt,
            containerImageDigest: digest ?? nil, schemas: schemas, compatibilities: compatibilities,
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
                case "id":
                    id = reader.readString()
                    return id != nil
                case "name":
                    name = reader.readString()
                    return name != nil
                case "owner":
                    owner = ModelOwner(reading: &reader)
                    return owner != nil
                case "visibility":
                    visibility = reader.readString().flatMap(ModelVisibility.init(rawValue:))
                    return visibility != nil
                case "description":
                    description = reader.readOptional { $0.readString() }
                    return description != nil
                case "created_at":
                    createdAt = reader.readString()
                    return createdAt != nil
                case "updated_at":
                    updatedAt = reader.readOptional { $0.readString() }
                    return updatedAt != nil
                case "predictions_count":
                    predictionsCount = reader.readOptional { $0.readInt() }
                    return predictionsCount != nil
                case "latest_version":
                    latestVersion = reader.readOptional { ModelVersionDetails(reading: &$0) }
                    return latestVersion != nil
                default:
                    return reader.readValue() != nil
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
            case "account_id":
                accountID = reader.readString()
                return accountID != nil
            case "name":
                name = reader.readString()
                return name != nil
            case "avatar_url":
                avatarURL = reader.readString()
                return avatarURL != nil
            default:
                return reader.readValue() != nil
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
            guard key == "prediction" else { return reader.readValue() != nil }
            prediction = PredictionSchemas(reading: &reader)
            return prediction != nil
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
            case "input":
                input = reader.readValue(depth: 3)
                return input != nil
            case "output":
                output = reader.readValue(depth: 3)
                return output != nil
            case "stream_output":
                streamOutput = reader.readOptional { $0.readValue(depth: 3) }
                return streamOutput != nil
            default:
                return reader.readValue() != nil
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
            default: return reader.readValue() != nil
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

extension VersionConfiguration {
    init?(reading reader: inout JSONReader) {
        var hardware: String?
        var variables: [String]?
        let read: Void? = reader.readObject { reader, key in
            switch key {
            case "hardware_identifier":
                hardware = reader.readString()
                return hardware != nil
            case "variable_names":
                var names: [String] = []
                let read: Void? = reader.readArray { reader in
                    guard let name = reader.readString() else { return false }
                    names.append(name)
                    return true
                }
                variables = read.map { names }
                return variables != nil
            default:
                return reader.readValue() != nil
            }
        }
        guard read != nil, let hardware, let variables else { return nil }
        self.init(hardwareIdentifier: hardware, variableNames: variables)
    }
}
