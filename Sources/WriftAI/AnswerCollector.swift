import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// An answer as it came off the wire: status, headers and the whole body.
struct RawAnswer: Sendable {
    var status: Int
    /// Names in lowercase (folded once, as they arrive), values as sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of the header `name` (lowercase), whatever case the server wrote it in.
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }
}

/// Collects one answer on the HTTP client's event loop, refusing one larger than `limit` bytes as soon as
/// it says so (its `Content-Length`) or grows past it.
///
/// Why not the async API: its deadline ends when the headers arrive, so bounding the body needs a second
/// task racing a timer, and every answer then pays the hand-offs between those tasks. This API's deadline
/// covers the whole exchange, body included, on the event loop that does the reading.
final class AnswerCollector: HTTPClientResponseDelegate {
    typealias Response = RawAnswer

    /// The answer is larger than a WriftAI answer may be.
    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        let announced: Int?
        var description: String {
            if let announced {
                return "the answer announces \(announced) bytes, more than the \(limit) bytes a WriftAI answer may have"
            }
            return "the answer exceeds the \(limit) bytes a WriftAI answer may have"
        }
    }

    private struct Collected {
        var status = 0
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
    }

    private let limit: Int
    // Callbacks come one at a time from one event loop; the lock only makes that visible to the compiler.
    private let collected = Mutex(Collected())

    init(limit: Int) {
        self.limit = limit
    }

    func didReceiveHead(task: HTTPClient.Task<RawAnswer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        if let announced = head.headers.first(name: "content-length").flatMap({ Int($0) }), announced > limit {
            return task.eventLoop.makeFailedFuture(TooLarge(limit: limit, announced: announced))
        }
        collected.withLock {
            $0.status = Int(head.status.code)
            $0.headers = head.headers.map { (name: $0.name.lowercased(), value: $0.value) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<RawAnswer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let fits = collected.withLock { collected -> Bool in
            guard collected.body.count + buffer.readableBytes <= limit else { return false }
            collected.body.append(contentsOf: buffer.readableBytesView)
            return true
        }
        guard fits else { return task.eventLoop.makeFailedFuture(TooLarge(limit: limit, announced: nil)) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<RawAnswer>) throws -> RawAnswer {
        collected.withLock { RawAnswer(status: $0.status, headers: $0.headers, body: $0.body) }
    }
}
