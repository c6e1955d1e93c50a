import Logging

/// A logger whose messages arrive, in the order logged, on ``messages``: a test can wait for the client to say
/// it is about to do something (retry, wait) instead of polling for its effect.
struct LogStream: Sendable {
    /// Every message logged, at every level.
    let messages: AsyncStream<String>
    /// A logger at `trace` that writes to ``messages``.
    let logger: Logger

    init() {
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        self.messages = messages
        var logger = Logger(label: "wriftai-tests") { _ in Handler(continuation: continuation) }
        logger.logLevel = .trace
        self.logger = logger
    }

    /// Returns once `message` has been logged (at once if it already was, and not read yet).
    func next(_ message: String) async {
        for await logged in messages where logged == message { return }
    }

    private struct Handler: LogHandler {
        let continuation: AsyncStream<String>.Continuation
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            continuation.yield(event.message.description)
        }
    }
}
