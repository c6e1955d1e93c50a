import Hummingbird

/// The request context of the emulator: Hummingbird's core storage plus the caller's identity.
public struct EmulatorRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The user the request's bearer token belongs to, `nil` without a valid token.
    public var user: String?
    /// The valid bearer token, `nil` without one; rate limits are counted per token.
    public var token: String?

    /// Creates a context for a request arriving on a channel.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.user = nil
        self.token = nil
    }
}
