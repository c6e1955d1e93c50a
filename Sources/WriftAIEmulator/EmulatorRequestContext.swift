import Hummingbird

/// The request context of the emulator: Hummingbird's core storage plus the caller's identity.
public struct EmulatorRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The user the request's bearer token belongs to, `nil` without a valid token.
    public var user: String?
    /// The valid bearer token, `nil` without one; rate limits are counted per token.
    public var token: String?
    /// Closes the request's connection at once, without an answer (the connection-reset fault).
    let closeConnection: @Sendable () async -> Void

    /// Creates a context for a request arriving on a channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.user = nil
        self.token = nil
        let channel = source.channel
        self.closeConnection = {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
    }
}
