import Foundation
import NIOPosix

extension WriftAIClient {
    /// Pays the first-use costs of making a client (the generic types and protocol conformances its token
    /// check, shared pacing file and event loops use, each looked up in the runtime's tables the first time)
    /// and starts the event loop threads every client shares. Meant for a background thread at start-up,
    /// while the arguments are parsed: on the main thread those costs came between the arguments and an
    /// apply's first request (3–5 ms).
    public static func warmUp() {
        _ = MultiThreadedEventLoopGroup.singleton
        let token = try? AccessToken(validating: "warm-up-token", from: .other("the warm-up"))
        _ = SharedPacingFile.path(directory: "/", baseURL: "http://127.0.0.1:1/v1", token: token)
        _ = URLComponents(string: "http://127.0.0.1:1/v1")?.percentEncodedPath
        _ = [FileAttributeKey.posixPermissions: 0o700] as [FileAttributeKey: Any]
    }
}
