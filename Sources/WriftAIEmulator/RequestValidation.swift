import WriftAIModels

/// Validation of each request the API accepts, listing every problem at once.
enum RequestValidation {
    /// The parts of a create-model request.
    struct NewModel {
        var name: String
        var visibility: ModelVisibility
        var description: String?
    }

    /// The parts of a create-version request, before defaults and inheritance.
    struct NewVersion {
        var releaseNotes: String
        var containerImageDigest: String
        var schemas: Schemas
        var compatibilities: Compatibilities
        var configuration: VersionConfiguration?
    }

    static let maximumReleaseNotesLength = 255

    static func newModel(_ bytes: [UInt8]) throws -> NewModel {
        var validator = Validator()
        let body = try Validator.requireObjectBody(bytes)
        let name = validator.string(body["name"], at: ["body", "name"], required: true)
        if let name, !NameRules.isValidName(name) {
            validator.add(
                ["body", "name"],
                "String should match pattern '\(NameRules.namePattern)'",
                "string_pattern_mismatch"
            )
        }
        var visibility = ModelVisibility.private
        if let text = validator.string(body["visibility"], at: ["body", "visibility"], required: false) {
            if let parsed = ModelVisibility(rawValue: text) {
                visibility = parsed
            } else {
                validator.add(["body", "visibility"], "Input should be 'private' or 'public'", "enum")
            }
        }
        let description = validator.string(body["description"], at: ["body", "description"], required: false)
        try validator.check()
        return NewModel(name: name ?? "", visibility: visibility, description: description)
    }

    static func newVersion(_ bytes: [UInt8]) throws -> NewVersion {
        var validator = Validator()
        let body = try Validator.requireObjectBody(bytes)

        let releaseNotes = validator.string(body["release_notes"], at: ["body", "release_notes"], required: true)
        // Length as the real API counts it: in Unicode code points.
        if let releaseNotes, releaseNotes.unicodeScalars.count > maximumReleaseNotesLength {
            validator.add(
                ["body", "release_notes"],
                "String should have at most \(maximumReleaseNotesLength) characters",
                "string_too_long"
            )
        }

        let digest = validator.string(
            body["container_image_digest"],
            at: ["body", "container_image_digest"],
            required: true
        )
        if let digest, !NameRules.isValidDigest(digest) {
            validator.add(
                ["body", "container_image_digest"],
                "String should match pattern '\(NameRules.digestPattern)'",
                "string_pattern_mismatch"
            )
        }

        var schemas: Schemas?
        if let schemasObject = validator.object(body["schemas"], at: ["body", "schemas"], required: true),
            let prediction = validator.object(
                schemasObject["prediction"],
                at: ["body", "schemas", "prediction"],
                required: true
            )
        {
            let base: [LocationComponent] = ["body", "schemas", "prediction"]
            let input = validator.object(prediction["input"], at: base + ["input"], required: true)
            let output = validator.object(prediction["output"], at: base + ["output"], required: true)
            let streamOutput = validator.object(
                prediction["stream_output"],
                at: base + ["stream_output"],
                required: false
            )
            if let input, let output {
                schemas = Schemas(
                    prediction: PredictionSchemas(
                        input: .object(input),
                        output: .object(output),
                        streamOutput: streamOutput.map(JSONValue.object)
                    )
                )
            }
        }

        var compatibilities = Compatibilities()
        if let flags = validator.object(body["compatibilities"], at: ["body", "compatibilities"], required: false) {
            let loc: [LocationComponent] = ["body", "compatibilities"]
            let keyPaths: [(String, WritableKeyPath<Compatibilities, Bool>)] = [
                ("openai_chat_completions", \.openaiChatCompletions),
                ("openai_embeddings", \.openaiEmbeddings),
                ("openai_images_generations", \.openaiImagesGenerations),
                ("openai_responses", \.openaiResponses),
                ("anthropic_messages", \.anthropicMessages),
            ]
            for (key, keyPath) in keyPaths {
                if let flag = validator.bool(flags[key], at: loc + [.key(key)]) {
                    compatibilities[keyPath: keyPath] = flag
                }
            }
        }

        var configuration: VersionConfiguration?
        if let object = validator.object(body["configuration"], at: ["body", "configuration"], required: false) {
            let loc: [LocationComponent] = ["body", "configuration"]
            let hardware = validator.string(
                object["hardware_identifier"],
                at: loc + ["hardware_identifier"],
                required: true
            )
            if let hardware, hardware.isEmpty {
                validator.add(loc + ["hardware_identifier"], "String should have at least 1 character", "string_too_short")
            }
            let variables = validator.strings(object["variable_names"], at: loc + ["variable_names"], required: true)
            if let hardware, let variables {
                configuration = VersionConfiguration(hardwareIdentifier: hardware, variableNames: variables)
            }
        }

        try validator.check()
        guard let releaseNotes, let digest, let schemas else {
            throw APIError.validation([ValidationIssue(loc: ["body"], msg: "Invalid request", type: "value_error")])
        }
        return NewVersion(
            releaseNotes: releaseNotes,
            containerImageDigest: digest,
            schemas: schemas,
            compatibilities: compatibilities,
            configuration: configuration
        )
    }

    static func configurationUpdate(_ bytes: [UInt8]) throws -> ConfigurationUpdate {
        var validator = Validator()
        let body = try Validator.requireObjectBody(bytes)
        let hardware = validator.string(
            body["hardware_identifier"],
            at: ["body", "hardware_identifier"],
            required: false
        )
        if let hardware, hardware.isEmpty {
            validator.add(["body", "hardware_identifier"], "String should have at least 1 character", "string_too_short")
        }
        let variables = validator.strings(body["variable_names"], at: ["body", "variable_names"], required: false)
        try validator.check()
        return ConfigurationUpdate(hardwareIdentifier: hardware, variableNames: variables)
    }

    /// The version number in a path.
    static func versionNumber(_ text: String?) throws -> Int {
        guard let text, let number = Int(text) else {
            throw APIError.validation([
                ValidationIssue(
                    loc: ["path", "number"],
                    msg: "Input should be a valid integer, unable to parse string as an integer",
                    type: "int_parsing"
                )
            ])
        }
        return number
    }

    /// The `cursor` and `page_size` query parameters of a list.
    static func listQuery(cursor: String?, pageSize: String?) throws -> (VersionCursor?, Int) {
        var validator = Validator()
        var size = 25
        if let pageSize {
            if let parsed = Int(pageSize) {
                if parsed < 5 {
                    validator.add(["query", "page_size"], "Input should be greater than or equal to 5", "greater_than_equal")
                } else if parsed > 50 {
                    validator.add(["query", "page_size"], "Input should be less than or equal to 50", "less_than_equal")
                }
                size = parsed
            } else {
                validator.add(
                    ["query", "page_size"],
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing"
                )
            }
        }
        var parsedCursor: VersionCursor?
        if let cursor, !cursor.isEmpty {
            parsedCursor = VersionCursor(encoded: cursor)
            if parsedCursor == nil {
                validator.add(["query", "cursor"], "Invalid cursor", "value_error")
            }
        }
        try validator.check()
        return (parsedCursor, size)
    }
}
