import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error: for log collectors, which
/// read structured lines better than human ones.
public struct JSONLogHandler: LogHandler {
    /// The handler's level.
    public var logLevel: Logger.Level = .info
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    private let label: String

    /// A handler for the logger `label`.
    public init(label: String) {
        self.label = label
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "logger": label,
            "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.plain(value)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }

    private static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case let .string(string): return string
        // Numbers and booleans given as values stay numbers and booleans in the JSON line.
        case let .stringConvertible(convertible):
            switch convertible {
            case let value as Int: return value
            case let value as Bool: return value
            case let value as Double where value.isFinite: return value
            case let value as Rounded where value.value.isFinite: return value.value
            default: return convertible.description
            }
        case let .array(array): return array.map(plain)
        case let .dictionary(dictionary): return dictionary.mapValues(plain)
        }
    }
}
