/// Which third-party-compatible endpoints a model version serves.
///
/// A flag missing from the JSON decodes as `false`.
public struct Compatibilities: Codable, Sendable, Hashable {
    /// Serves the OpenAI-compatible chat completions endpoint.
    public var openaiChatCompletions: Bool
    /// Serves the OpenAI-compatible embeddings endpoint.
    public var openaiEmbeddings: Bool
    /// Serves the OpenAI-compatible image generations endpoint.
    public var openaiImagesGenerations: Bool
    /// Serves the OpenAI-compatible responses endpoint.
    public var openaiResponses: Bool
    /// Serves the Anthropic-compatible messages endpoint.
    public var anthropicMessages: Bool

    /// Creates compatibility flags; every flag defaults to `false`.
    public init(
        openaiChatCompletions: Bool = false,
        openaiEmbeddings: Bool = false,
        openaiImagesGenerations: Bool = false,
        openaiResponses: Bool = false,
        anthropicMessages: Bool = false
    ) {
        self.openaiChatCompletions = openaiChatCompletions
        self.openaiEmbeddings = openaiEmbeddings
        self.openaiImagesGenerations = openaiImagesGenerations
        self.openaiResponses = openaiResponses
        self.anthropicMessages = anthropicMessages
    }

    /// Decodes the flags, taking a missing one as `false`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.openaiChatCompletions = try container.decodeIfPresent(Bool.self, forKey: .openaiChatCompletions) ?? false
        self.openaiEmbeddings = try container.decodeIfPresent(Bool.self, forKey: .openaiEmbeddings) ?? false
        self.openaiImagesGenerations =
            try container.decodeIfPresent(Bool.self, forKey: .openaiImagesGenerations) ?? false
        self.openaiResponses = try container.decodeIfPresent(Bool.self, forKey: .openaiResponses) ?? false
        self.anthropicMessages = try container.decodeIfPresent(Bool.self, forKey: .anthropicMessages) ?? false
    }

    enum CodingKeys: String, CodingKey {
        case openaiChatCompletions = "openai_chat_completions"
        case openaiEmbeddings = "openai_embeddings"
        case openaiImagesGenerations = "openai_images_generations"
        case openaiResponses = "openai_responses"
        case anthropicMessages = "anthropic_messages"
    }
}
