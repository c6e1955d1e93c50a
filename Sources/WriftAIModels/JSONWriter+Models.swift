extension JSONWriter {
    /// `{"prediction":{"input":…,"output":…[,"stream_output":…]}}`.
    mutating func schemas(_ schemas: Schemas) throws(NotEncodable) {
        raw("{")
        key("prediction")
        raw("{")
        key("input")
        try value(schemas.prediction.input)
        raw(",")
        key("output")
        try value(schemas.prediction.output)
        if let streamOutput = schemas.prediction.streamOutput {
            raw(",")
            key("stream_output")
            try value(streamOutput)
        }
        raw("}}")
    }

    /// Every flag, `true` or `false`.
    mutating func compatibilities(_ compatibilities: Compatibilities) {
        raw("{")
        let flags: [(String, Bool)] = [
            ("openai_chat_completions", compatibilities.openaiChatCompletions),
            ("openai_embeddings", compatibilities.openaiEmbeddings),
            ("openai_images_generations", compatibilities.openaiImagesGenerations),
            ("openai_responses", compatibilities.openaiResponses),
            ("anthropic_messages", compatibilities.anthropicMessages),
        ]
        for (index, (name, value)) in flags.enumerated() {
            if index > 0 { raw(",") }
            key(name)
            bool(value)
        }
        raw("}")
    }

    /// `{"hardware_identifier":…,"variable_names":[…]}`.
    mutating func configuration(_ configuration: VersionConfiguration) {
        raw("{")
        key("hardware_identifier")
        string(configuration.hardwareIdentifier)
        raw(",")
        key("variable_names")
        raw("[")
        for (index, name) in configuration.variableNames.enumerated() {
            if index > 0 { raw(",") }
            string(name)
        }
        raw("]}")
    }
}
