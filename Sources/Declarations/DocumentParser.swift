import WriftAIModels
import Yams

/// Turns one YAML document into a model declaration, reporting every problem through the reader.
/// `schemas_file` references are left for the loader, which can read other files of the repository.
struct DocumentParser {
    static let modelKeys = ["model", "prune", "allow_empty", "keep", "suspend", "on_immutable_change", "on_out_of_order", "versions", "smoke_defaults"]
    static let versionKeys = ["container_image_digest", "release_notes", "schemas", "schemas_file", "compatibilities", "configuration", "smoke"]
    static let schemasKeys = ["prediction"]
    static let predictionKeys = ["input", "output", "stream_output"]
    static let compatibilityKeys = ["openai_chat_completions", "openai_embeddings", "openai_images_generations", "openai_responses", "anthropic_messages"]
    static let configurationKeys = ["hardware_identifier", "variable_names"]
    static let maxReleaseNotes = 255

    /// A parsed version whose schemas may still live in another file.
    struct PendingVersion {
        var declaration: VersionDeclaration
        var schemasFile: (path: String, location: SourceLocation)?
    }

    struct PendingModel {
        var declaration: ModelDeclaration
        var versions: [PendingVersion]
    }

    let reader: NodeReader

    func model(_ root: Node) -> PendingModel? {
        guard let pairs = reader.mapping(root, "a declaration") else { return nil }
        reader.checkKeys(pairs, allowed: Self.modelKeys, in: "a model declaration")
        let fields = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })

        var model: ModelID?
        if let pair = fields["model"] {
            if let text = reader.string(pair.value, "model") {
                if let valid = try? ModelID(parsing: text) {
                    model = valid
                } else {
                    reader.report(pair.value, "'model' must be OWNER/NAME (letters, digits, '.', '_' and '-', each part starting with a letter or digit), found \"\(text.shortened())\"")
                }
            }
        } else {
            reader.report(root, "missing required key 'model' (OWNER/NAME)")
        }
        let prune = fields["prune"].flatMap { reader.bool($0.value, "prune") } ?? true
        let allowEmpty = fields["allow_empty"].flatMap { reader.bool($0.value, "allow_empty") } ?? false
        let suspend = fields["suspend"].flatMap { reader.bool($0.value, "suspend") } ?? false
        var keep: [Int] = []
        if let pair = fields["keep"], let items = reader.list(pair.value, "keep") {
            keep = items.compactMap { reader.positiveInt($0, "keep") }
        }
        var policy = ImmutableChangePolicy.warn
        if let pair = fields["on_immutable_change"], let text = reader.string(pair.value, "on_immutable_change") {
            if let parsed = ImmutableChangePolicy(rawValue: text) {
                policy = parsed
            } else {
                reader.report(pair.value, "'on_immutable_change' must be warn or replace, found \"\(text.shortened())\"")
            }
        }
        var outOfOrder = OutOfOrderPolicy.hold
        if let pair = fields["on_out_of_order"], let text = reader.string(pair.value, "on_out_of_order") {
            if let parsed = OutOfOrderPolicy(rawValue: text) {
                outOfOrder = parsed
            } else {
                reader.report(pair.value, "'on_out_of_order' must be hold, recreate or allow, found \"\(text.shortened())\"")
            }
        }
        var versions: [PendingVersion] = []
        if let pair = fields["versions"] {
            if let items = reader.list(pair.value, "versions") {
                // Sized once: 100,000 versions grown by doubling kept a third of their arrays empty.
                versions.reserveCapacity(items.count)
                for item in items {
                    if let parsed = version(item) { versions.append(parsed) }
                }
            }
        } else {
            reader.report(root, "missing required key 'versions' (a list, oldest first; [] for none)")
        }
        let smokeDefaults = fields["smoke_defaults"].map { self.smokeDefaults($0.value) }
        guard let model else { return nil }
        let declaration = ModelDeclaration(
            model: model, prune: prune, allowEmpty: allowEmpty, keep: keep, suspend: suspend,
            onImmutableChange: policy, onOutOfOrder: outOfOrder, versions: [], smokeDefaults: smokeDefaults ?? nil,
            location: reader.location(fields["model"]?.value ?? root)
        )
        return PendingModel(declaration: declaration, versions: versions)
    }

    private func version(_ node: Node) -> PendingVersion? {
        guard let pairs = reader.mapping(node, "a version") else { return nil }
        reader.checkKeys(pairs, allowed: Self.versionKeys, in: "a version")
        let fields = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var valid = true

        var digest: Digest?
        if let pair = fields["container_image_digest"] {
            if let text = reader.string(pair.value, "container_image_digest") {
                if let valid = try? Digest(normalizing: text) {
                    digest = valid
                } else {
                    reader.report(pair.value, "'container_image_digest' must match ^sha256:[a-f0-9]{64}$, found \"\(text.shortened())\"")
                }
            }
        } else {
            reader.report(node, "missing required key 'container_image_digest' in a version")
        }

        var notes: String?
        if let pair = fields["release_notes"] {
            if let text = reader.string(pair.value, "release_notes") {
                // Counted as the API counts them, in Unicode code points: `é` written as `e` and a combining
                // accent is two, an emoji of a family seven.
                let length = text.unicodeScalars.count
                if length > Self.maxReleaseNotes {
                    reader.report(pair.value, "'release_notes' is \(length) characters (Unicode code points, as the API counts them); the limit is \(Self.maxReleaseNotes)")
                } else {
                    notes = text
                }
            }
        } else {
            reader.report(node, "missing required key 'release_notes' in a version")
        }

        var schemas: Schemas?
        var schemasFile: (String, SourceLocation)?
        switch (fields["schemas"], fields["schemas_file"]) {
        case (nil, nil):
            reader.report(node, "missing 'schemas' (or 'schemas_file') in a version")
            valid = false
        case let (inline?, file?):
            reader.report(file.keyNode, "give either 'schemas' (at \(reader.location(inline.keyNode))) or 'schemas_file', not both")
            valid = false
        case let (inline?, nil):
            schemas = self.schemas(inline.value)
            valid = schemas != nil
        case let (nil, file?):
            if let path = reader.string(file.value, "schemas_file") {
                schemasFile = (path, reader.location(file.value))
            } else {
                valid = false
            }
        }

        let compatibilities = fields["compatibilities"].map { self.compatibilities($0.value) }
        let configuration = fields["configuration"].map { self.configuration($0.value) }
        if compatibilities.map({ $0 == nil }) == true || configuration.map({ $0 == nil }) == true { valid = false }
        let smoke = fields["smoke"].map { smokeCases($0.value, "smoke") }
        if smoke.map({ $0 == nil }) == true { valid = false }

        guard valid, let digest, let notes else { return nil }
        let placeholder = Schemas(prediction: PredictionSchemas(input: .object([:]), output: .object([:])))
        let declaration = VersionDeclaration(
            containerImageDigest: digest, releaseNotes: notes, schemas: schemas ?? placeholder,
            compatibilities: compatibilities ?? nil, configuration: configuration ?? nil, smoke: smoke ?? nil,
            location: reader.location(node)
        )
        return PendingVersion(declaration: declaration, schemasFile: schemasFile)
    }

    /// `{prediction: {input: {…}, output: {…}, stream_output: {…}}}`, each a JSON object.
    func schemas(_ node: Node) -> Schemas? {
        guard let pairs = reader.mapping(node, "'schemas'") else { return nil }
        reader.checkKeys(pairs, allowed: Self.schemasKeys, in: "'schemas'")
        guard let prediction = pairs.first(where: { $0.key == "prediction" }) else {
            reader.report(node, "missing required key 'prediction' in 'schemas'")
            return nil
        }
        guard let parts = reader.mapping(prediction.value, "'schemas.prediction'") else { return nil }
        reader.checkKeys(parts, allowed: Self.predictionKeys, in: "'schemas.prediction'")
        func object(_ key: String, required: Bool) -> JSONValue?? {
            guard let pair = parts.first(where: { $0.key == key }) else {
                if required { reader.report(prediction.value, "missing required key '\(key)' in 'schemas.prediction'") }
                return required ? nil : .some(nil)
            }
            guard let value = reader.json(pair.value, "schemas.prediction.\(key)") else { return nil }
            guard case .object = value else {
                reader.report(pair.value, "'schemas.prediction.\(key)' must be a JSON Schema object, found \(NodeReader.describe(pair.value))")
                return nil
            }
            return .some(value)
        }
        let input = object("input", required: true)
        let output = object("output", required: true)
        let stream = object("stream_output", required: false)
        guard let input = input ?? nil, let output = output ?? nil, let stream else { return nil }
        return Schemas(prediction: PredictionSchemas(input: input, output: output, streamOutput: stream))
    }

    private func compatibilities(_ node: Node) -> Compatibilities? {
        guard let pairs = reader.mapping(node, "'compatibilities'") else { return nil }
        reader.checkKeys(pairs, allowed: Self.compatibilityKeys, in: "'compatibilities'")
        var values: [String: Bool] = [:]
        var valid = true
        for pair in pairs where Self.compatibilityKeys.contains(pair.key) {
            if let value = reader.bool(pair.value, pair.key) { values[pair.key] = value } else { valid = false }
        }
        guard valid else { return nil }
        return Compatibilities(
            openaiChatCompletions: values["openai_chat_completions"] ?? false,
            openaiEmbeddings: values["openai_embeddings"] ?? false,
            openaiImagesGenerations: values["openai_images_generations"] ?? false,
            openaiResponses: values["openai_responses"] ?? false,
            anthropicMessages: values["anthropic_messages"] ?? false
        )
    }

    private func configuration(_ node: Node) -> VersionConfiguration? {
        guard let pairs = reader.mapping(node, "'configuration'") else { return nil }
        reader.checkKeys(pairs, allowed: Self.configurationKeys, in: "'configuration'")
        var hardware: String?
        if let pair = pairs.first(where: { $0.key == "hardware_identifier" }) {
            if let text = reader.string(pair.value, "hardware_identifier") {
                if text.isEmpty { reader.report(pair.value, "'hardware_identifier' must not be empty") } else { hardware = text }
            }
        } else {
            reader.report(node, "missing required key 'hardware_identifier' in 'configuration'")
        }
        var names: [String] = []
        var valid = true
        if let pair = pairs.first(where: { $0.key == "variable_names" }), let items = reader.list(pair.value, "variable_names") {
            for item in items {
                guard let name = reader.string(item, "variable_names") else { valid = false; continue }
                if !Self.isVariableName(name) {
                    reader.report(item, "'variable_names' entries must match ^[A-Za-z_][A-Za-z0-9_]*$, found \"\(name.shortened())\"")
                    valid = false
                } else if names.contains(name) {
                    reader.report(item, "variable '\(name.shortened())' is listed twice")
                    valid = false
                } else {
                    names.append(name)
                }
            }
        }
        guard valid, let hardware else { return nil }
        return VersionConfiguration(hardwareIdentifier: hardware, variableNames: names)
    }

    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || isAlphanumeric($0) }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
