import Logging
import Synchronization

/// A log handler that keeps every line, message and metadata, at every level.
public final class LogCapture: Sendable {
    private let storage = Mutex<[String]>([])

    /// An empty capture.
    public init() {}

    /// Every line logged so far, as `level message key=value…`.
    public var lines: [String] { storage.withLock { $0 } }

    /// A logger at `trace` that writes here.
    public var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}
