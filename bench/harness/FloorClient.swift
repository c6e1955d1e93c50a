import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The least time any client can take for the apply row's request count on this machine and emulator: one
/// thread per connection, a blocking socket kept alive, a request written in one call, the answer read up to
/// its `Content-Length` and nothing else done with it, and no start-up work at all.
///
/// Why: the apply row's bound assumes every request costs exactly the emulator's latency. What the machine
/// adds to each request (waking idle threads on both sides, the loopback) is not WriftSync's to remove; this
/// measures it in the same run, so the apply row can be read against what is reachable.
enum FloorClient {
    /// Sends `requestsEach` GETs of `path` on each of `connections` connections at once.
    ///
    /// - Returns: The wall time in seconds from the first connection to the last answer.
    static func run(port: Int, path: String, token: String, connections: Int, requestsEach: Int) throws -> Double {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nAccept: application/json\r\n\r\n".utf8)
        let failures = FailureList()
        let done = DispatchSemaphore(value: 0)
        let started = Date()
        for _ in 0..<connections {
            let thread = Thread {
                do {
                    try exchange(port: port, request: request, count: requestsEach)
                } catch {
                    failures.append(error)
                }
                done.signal()
            }
            thread.start()
        }
        for _ in 0..<connections { done.wait() }
        let seconds = Date().timeIntervalSince(started)
        if let first = failures.first { throw first }
        return seconds
    }

    /// One connection's requests, one after another.
    private static func exchange(port: Int, request: [UInt8], count: Int) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HarnessError("floor client: socket: \(String(cString: strerror(errno)))") }
        defer { close(socket) }
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("floor client: connect: \(String(cString: strerror(errno)))") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<count {
            let sent = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard sent == request.count else { throw HarnessError("floor client: short write") }
            var filled = 0
            var answerEnd: Int?
            while answerEnd.map({ filled < $0 }) ?? true {
                guard filled < buffer.count else { throw HarnessError("floor client: answer larger than 1 MiB") }
                let read = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + filled, $0.count - filled, 0) }
                guard read > 0 else { throw HarnessError("floor client: connection closed") }
                filled += read
                if answerEnd == nil { answerEnd = try end(of: buffer[..<filled]) }
            }
        }
    }

    /// Where the answer in `bytes` ends, once its head is in; `nil` before.
    private static func end(of bytes: ArraySlice<UInt8>) throws -> Int? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 200") else { throw HarnessError("floor client: \(head.prefix(40))") }
        let length = head.split(separator: "\r\n").lazy
            .compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first
        guard let length else { throw HarnessError("floor client: no Content-Length") }
        return headEnd + separator.count + length
    }
}

/// Errors from the floor client's threads.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []

    func append(_ error: any Error) {
        lock.lock()
        errors.append(error)
        lock.unlock()
    }

    var first: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.first
    }
}
