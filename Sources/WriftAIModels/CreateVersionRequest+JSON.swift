extension CreateVersionRequest {
    /// The request as the body of `POST …/versions`: the JSON `JSONEncoder` writes for it, written directly
    /// (see `JSONWriter`: equal as JSON, with sorted object keys).
    ///
    /// - Throws: When a schema holds a number JSON cannot carry (as `JSONEncoder` does).
    public func jsonBody() throws -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("release_notes")
        writer.string(releaseNotes)
        writer.raw(",")
        writer.key("container_image_digest")
        writer.string(containerImageDigest)
        writer.raw(",")
        writer.key("schemas")
        writer.raw("{")
        writer.key("prediction")
        writer.raw("{")
        writer.key("input")
        try writer.value(schemas.prediction.input)
        writer.raw(",")
        writer.key("output")
        try writer.value(schemas.prediction.output)
        if let streamOutput = schemas.prediction.streamOutput {
            writer.raw(",")
            writer.key("stream_output")
            try writer.value(streamOutput)
        }
        writer.raw("}}")
        if let compatibilities {
            writer.raw(",")
            writer.key("compatibilities")
            writer.raw("{")
            let flags: [(String, Bool)] = [
                ("openai_chat_completions", compatibilities.openaiChatCompletions),
                ("openai_embeddings", compatibilities.openaiEmbeddings),
                ("openai_images_generations", compatibilities.openaiImagesGenerations),
                ("openai_responses", compatibilities.openaiResponses),
                ("anthropic_messages", compatibilities.anthropicMessages),
            ]
            for (index, (name, value)) in flags.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.key(name)
                writer.bool(value)
            }
            writer.raw("}")
        }
        if let configuration {
            writer.raw(",")
            writer.key("configuration")
            writer.raw("{")
            writer.key("hardware_identifier")
            writer.string(configuration.hardwareIdentifier)
            writer.raw(",")
            writer.key("variable_names")
            writer.raw("[")
            for (index, name) in configuration.variableNames.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.string(name)
            }
            writer.raw("]}")
        }
        writer.raw("}")
        return writer.bytes
    }
}
