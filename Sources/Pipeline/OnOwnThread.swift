import Foundation

/// Runs blocking work (libgit2, parsing) on a thread of its own and awaits it: the cooperative pool, which
/// also serves the controller's HTTP endpoints, never blocks. One thread hop per call. The one helper for
/// it: the pipeline, the recorder and the endpoints use it alike.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        // Parsing recurses over YAML nesting (bounded at 64 levels) and schemas: give it room.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
