/// Why a prediction failed: `{source, message, detail}`.
public struct PredictionError: Codable, Sendable, Equatable {
    /// Whose fault the error is.
    public enum Source: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The platform's.
        case `internal`
        /// The model's own code or its input.
        case external
        /// A source this client does not know, as the API spelled it.
        case unknown(String)

        /// Parses the API's spelling.
        public init(rawValue: String) {
            switch rawValue {
            case "internal": self = .internal
            case "external": self = .external
            default: self = .unknown(rawValue)
            }
        }

        /// The API's spelling.
        public var rawValue: String {
            switch self {
            case .internal: "internal"
            case .external: "external"
            case .unknown(let text): text
            }
        }

        /// The API's spelling.
        public var description: String { rawValue }

        /// Decodes any string.
        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        /// Encodes the API's spelling.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// Whose fault it is.
    public var source: Source
    /// What went wrong, in words.
    public var message: String
    /// More about it, in any JSON shape.
    public var detail: JSONValue?

    /// Creates an error.
    public init(source: Source, message: String, detail: JSONValue? = nil) {
        self.source = source
        self.message = message
        self.detail = detail
    }

    /// Encodes `detail` as `null` when there is none, as the API does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(source, forKey: .source)
        try container.encode(message, forKey: .message)
        try container.encode(detail ?? .null, forKey: .detail)
    }

    enum CodingKeys: String, CodingKey {
        case source, message, detail
    }
}
