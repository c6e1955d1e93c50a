import Foundation
import Testing
import WriftAIEmulator
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// The injected latency on a real server: each answer is held on its connection until the latency has passed
/// since its request was read. Only lower bounds are checked (an upper bound would be a timing test).
@Suite("Answer hold (latency on a real server)")
struct AnswerHoldTests {
    @Test("two pipelined requests: both answered, in order, each no sooner than the latency, no marker on the wire")
    func pipelined() async throws {
        let configuration = Fixture.configuration(faults: .init(latencyMilliseconds: 150))
        try await withEmulator(configuration) { _, emulator in
            let exchange = try await PipelinedExchange.run(
                port: emulator.port,
                requests: ["/v1/models/alice/demo", "/v1/models/alice/missing"],
                token: Users.alice
            )
            #expect(exchange.answers.map(\.status) == [200, 404])
            for answer in exchange.answers {
                #expect(answer.after >= .milliseconds(150), "answered after \(answer.after)")
                #expect(!answer.head.lowercased().contains("x-wriftai-emulator-hold"))
            }
        }
    }

    @Test("answers outside the latency are not held: the stats endpoint, and no marker leaves with them")
    func statsNotHeld() async throws {
        // Held, the answer would come after an hour: the exchange's two-minute patience would end first (and
        // fail the test), however loaded the machine.
        let configuration = Fixture.configuration(faults: .init(latencyMilliseconds: 3_600_000))
        try await withEmulator(configuration) { _, emulator in
            let exchange = try await PipelinedExchange.run(port: emulator.port, requests: ["/_emulator/stats"], token: Users.alice)
            #expect(exchange.answers.map(\.status) == [200])
            #expect(!exchange.answers[0].head.lowercased().contains("x-wriftai-emulator-hold"))
        }
    }

    @Test("slow answers still come after the whole latency and then their delay")
    func slowAfterLatency() async throws {
        let configuration = Fixture.configuration(faults: .init(latencyMilliseconds: 100, slowRate: 1, slowMilliseconds: 200))
        try await withEmulator(configuration) { _, emulator in
            let exchange = try await PipelinedExchange.run(port: emulator.port, requests: ["/v1/models/alice/demo"], token: Users.alice)
            #expect(exchange.answers.map(\.status) == [200])
            #expect(try #require(exchange.answers.first).after >= .milliseconds(300))
        }
    }
}

/// Requests written in one go on one plain socket (HTTP/1.1 pipelining), and their answers as they complete.
private struct PipelinedExchange {
    struct Answer {
        var status: Int
        var head: String
        /// From the write of the requests to the last byte of this answer.
        var after: Duration
    }

    var answers: [Answer]

    static func run(port: Int, requests: [String], token: String) async throws -> PipelinedExchange {
        // A thread of its own: on Linux the dispatch queues' threads are the cooperative pool's.
        try await onOwnThread { try blocking(port: port, requests: requests, token: token) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static func blocking(port: Int, requests: [String], token: String) throws -> PipelinedExchange {
        guard let descriptor = RawRequest.connectedSocket(port: port) else { throw Failure(description: "cannot connect to port \(port)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let text = requests.map { "GET \($0) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n" }.joined()
        let clock = ContinuousClock()
        let start = clock.now
        let sent = text.withCString { send(descriptor, $0, strlen($0), 0) }
        guard sent == text.utf8.count else { throw Failure(description: "send wrote \(sent) bytes") }
        var buffer: [UInt8] = []
        var answers: [Answer] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while answers.count < requests.count {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw Failure(description: "no more answers after \(answers.count) (connection ended or two minutes passed)") }
            buffer += chunk[0..<count]
            while let (answer, used) = parse(buffer) {
                answers.append(Answer(status: answer.status, head: answer.head, after: clock.now - start))
                buffer.removeFirst(used)
            }
        }
        return PipelinedExchange(answers: answers)
    }

    /// The first complete answer in `bytes` (with a `Content-Length` body) and how many bytes it used.
    private static func parse(_ bytes: [UInt8]) -> ((status: Int, head: String), Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, bytes.count - separator.count)).first(where: { bytes[$0..<min(bytes.count, $0 + 4)].elementsEqual(separator) }),
              bytes.count >= separator.count
        else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let total = end + separator.count + length
        guard bytes.count >= total else { return nil }
        return ((status, head), total)
    }
}
