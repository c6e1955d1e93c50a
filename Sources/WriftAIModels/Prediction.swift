/// A prediction: one run of a model version on an input, as `POST /predictions` and
/// `GET /predictions/{id}` answer it.
public struct Prediction: Codable, Sendable, Equatable {
    /// The version a prediction ran on.
    public struct ModelReference: Codable, Sendable, Equatable {
        /// The model's owner.
        public var owner: String
        /// The model's name.
        public var name: String
        /// The version number the prediction is pinned to.
        public var versionNumber: Int

        /// Creates a reference.
        public init(owner: String, name: String, versionNumber: Int) {
            self.owner = owner
            self.name = name
            self.versionNumber = versionNumber
        }

        enum CodingKeys: String, CodingKey {
            case owner, name
            case versionNumber = "version_number"
        }
    }

    /// The unique identifier, for `GET /predictions/{id}`.
    public var id: String
    /// Where the prediction is in its life.
    public var status: PredictionStatus
    /// The version it runs on.
    public var model: ModelReference
    /// The input it was given (a JSON object).
    public var input: JSONValue?
    /// The output, once it has succeeded; `null` before.
    public var output: JSONValue?
    /// Why it failed, once it has; `nil` otherwise.
    public var error: PredictionError?
    /// When it was created, as an ISO 8601 timestamp.
    public var createdAt: String
    /// When it last changed, as an ISO 8601 timestamp.
    public var updatedAt: String?
    /// How long setting up its environment took, as the API writes it (a string); `nil` until known.
    public var setupTime: String?
    /// How long running it took, as the API writes it (a string); `nil` until known.
    public var executionTime: String?
    /// Usage metrics the model reported, if any.
    public var metrics: JSONValue?
    /// Whether its events can be streamed.
    public var stream: Bool?

    /// Creates a prediction.
    public init(
        id: String,
        status: PredictionStatus,
        model: ModelReference,
        input: JSONValue? = nil,
        output: JSONValue? = nil,
        error: PredictionError? = nil,
        createdAt: String,
        updatedAt: String? = nil,
        setupTime: String? = nil,
        executionTime: String? = nil,
        metrics: JSONValue? = nil,
        stream: Bool? = false
    ) {
        self.id = id
        self.status = status
        self.model = model
        self.input = input
        self.output = output
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.setupTime = setupTime
        self.executionTime = executionTime
        self.metrics = metrics
        self.stream = stream
    }

    enum CodingKeys: String, CodingKey {
        case id, status, model, input, output, error, metrics, stream
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case setupTime = "setup_time"
        case executionTime = "execution_time"
    }

    /// Decodes a prediction; the durations may be strings or numbers (kept as their text), and `null`
    /// and a missing member mean the same.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = try container.decode(PredictionStatus.self, forKey: .status)
        model = try container.decode(ModelReference.self, forKey: .model)
        input = try container.decodeIfPresent(JSONValue.self, forKey: .input)
        output = try container.decodeIfPresent(JSONValue.self, forKey: .output)
        error = try container.decodeIfPresent(PredictionError.self, forKey: .error)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
        setupTime = try Self.durationText(container, .setupTime)
        executionTime = try Self.durationText(container, .executionTime)
        metrics = try container.decodeIfPresent(JSONValue.self, forKey: .metrics)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream)
    }

    /// Encodes every member, `null` included, as the API writes a prediction.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(model, forKey: .model)
        try container.encode(input ?? .null, forKey: .input)
        try container.encode(output ?? .null, forKey: .output)
        try container.encode(error, forKey: .error)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(setupTime, forKey: .setupTime)
        try container.encode(executionTime, forKey: .executionTime)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(stream ?? false, forKey: .stream)
    }

    private static func durationText(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        guard let value = try container.decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .number(let number): return "\(number)"
        default:
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: container.codingPath + [key], debugDescription: "expected a duration (string or number)"))
        }
    }
}
