/// Where a prediction is in its life: `pending`, `starting` and `started` while it runs; `succeeded`,
/// `failed`, `cancelled` and `abandoned` once it has ended.
///
/// A status this client does not know (a newer API) decodes as ``unknown(_:)`` instead of failing the
/// whole answer, and counts as not terminal: a caller waiting for the end keeps polling until its own
/// deadline rather than taking an unknown state for success or failure.
public enum PredictionStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Accepted, waiting for capacity.
    case pending
    /// The model's container is starting.
    case starting
    /// The model is running the prediction.
    case started
    /// Finished with an output.
    case succeeded
    /// Finished with an error.
    case failed
    /// Cancelled before it finished.
    case cancelled
    /// Given up by the platform (e.g. its container disappeared).
    case abandoned
    /// A status this client does not know, as the API spelled it.
    case unknown(String)

    /// Parses the API's spelling.
    public init(rawValue: String) {
        switch rawValue {
        case "pending": self = .pending
        case "starting": self = .starting
        case "started": self = .started
        case "succeeded": self = .succeeded
        case "failed": self = .failed
        case "cancelled": self = .cancelled
        case "abandoned": self = .abandoned
        default: self = .unknown(rawValue)
        }
    }

    /// The API's spelling, e.g. `succeeded`.
    public var rawValue: String {
        switch self {
        case .pending: "pending"
        case .starting: "starting"
        case .started: "started"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .cancelled: "cancelled"
        case .abandoned: "abandoned"
        case .unknown(let text): text
        }
    }

    /// Whether the prediction has ended and will not change any more.
    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .cancelled, .abandoned: true
        case .pending, .starting, .started, .unknown: false
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
