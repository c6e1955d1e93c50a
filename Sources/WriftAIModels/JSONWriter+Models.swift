extension JSONWriter {
    /// `{"prediction":{"input":…,"output":…[,"stream_output":…]}}`.
    mutating func schemas(_ schemas: Schemas) throws(NotEncodable) {
        beginObject()
        member("prediction")
        beginObject()
        member("input")
        try value(schemas.prediction.input)
        member("output")
        try value(schemas.prediction.output)
        if let streamOutput = schemas.prediction.streamOutput {
            member("stream_output")
            try value(streamOutput)
        }
        endObject()
        endObject()
    }

    /// Every flag, `true` or `false`.
    mutating func compatibilities(_ compatibilities: Compatibilities) {
        beginObject()
        let flags: [(String, Bool)] = [
            ("openai_chat_completions", compatibilities.openaiChatCompletions),
            ("openai_embeddings", compatibilities.openaiEmbeddings),
            ("openai_images_generations", compatibilities.openaiImagesGenerations),
            ("openai_responses", compatibilities.openaiResponses),
            ("anthropic_messages", compatibilities.anthropicMessages),
        ]
        for (name, value) in flags {
            member(name)
            bool(value)
        }
        endObject()
    }

    /// `{"hardware_identifier":…,"variable_names":[…]}`.
    mutating func configuration(_ configuration: VersionConfiguration) {
        beginObject()
        member("hardware_identifier", configuration.hardwareIdentifier)
        member("variable_names")
        raw("[")
        for (index, name) in configuration.variableNames.enumerated() {
            if index > 0 { raw(",") }
            string(name)
        }
        raw("]")
        endObject()
    }
}
