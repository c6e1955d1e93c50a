import Foundation
import Synchronization
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// A plain-socket HTTP/1.1 server on 127.0.0.1 (port 0) whose every answer is written by the test, byte for
/// byte: to see what a client does with connections (how many it opens, whether it reuses them) and with
/// answers no real server framework would send. Each connection is served on a thread of its own.
final class ScriptedServer: Sendable {
    /// What to do with one request: the bytes to write back, then whether to close the connection.
    struct Reply: Sendable {
        var bytes: [UInt8]
        var close = false

        /// A complete answer with `body`, kept alive unless `headers` say otherwise.
        static func answer(_ body: String, status: String = "200 OK", headers: [String] = []) -> Reply {
            let head = (["HTTP/1.1 \(status)", "Content-Type: application/json", "Content-Length: \(body.utf8.count)"] + headers)
                .joined(separator: "\r\n")
            return Reply(bytes: Array("\(head)\r\n\r\n\(body)".utf8), close: headers.contains("Connection: close"))
        }
    }

    /// A request as read: its request line, its whole head, its body and the connection it came on (from 0).
    struct Received: Sendable, Equatable {
        var requestLine: String
        var head: String
        var body: String
        var connection: Int
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<(accepted: Int, received: [Received], stopped: Bool)>((0, [], false))

    /// Starts the server; `reply` is given each request's index (from 0, over all connections) and what was read.
    init(reply: @escaping @Sendable (_ index: Int, _ request: Received) -> Reply) throws {
        let (listener, port) = try boundLoopbackSocket()
        guard listen(listener, 16) == 0 else {
            close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.listener = listener
        self.port = port
        let accepting = Thread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                let number = state.withLock { state -> Int? in
                    guard !state.stopped else { return nil }
                    state.accepted += 1
                    return state.accepted - 1
                }
                guard let number else { close(connection); return }
                Thread { self.serve(connection, number: number, reply: reply) }.start()
            }
        }
        accepting.start()
    }

    /// Connections accepted so far.
    var accepted: Int { state.withLock { $0.accepted } }

    /// Requests read so far, in order.
    var received: [Received] { state.withLock { $0.received } }

    /// Stops accepting (connections being served end with their client).
    func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ connection: Int32, number: Int, reply: @Sendable (Int, Received) -> Reply) {
        defer { close(connection) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            // One request: its head up to the blank line, then its Content-Length of body.
            var headEnd: Int?
            while headEnd == nil {
                if let end = Self.headEnd(pending) { headEnd = end; break }
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                pending += buffer[..<count]
            }
            let head = String(decoding: pending[..<headEnd!], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let length = lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            while pending.count < headEnd! + 4 + length {
                let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                pending += buffer[..<count]
            }
            let body = String(decoding: pending[(headEnd! + 4)..<(headEnd! + 4 + length)], as: UTF8.self)
            pending.removeFirst(headEnd! + 4 + length)
            let request = Received(requestLine: lines[0], head: head, body: body, connection: number)
            let index = state.withLock { state -> Int in
                state.received.append(request)
                return state.received.count - 1
            }
            let answer = reply(index, request)
            _ = answer.bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if answer.close { return }
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
