import Foundation
import WriftAI

/// The few HTTP calls the harness makes itself: emulator stats, `wriftsync run`'s /status, and the naive
/// baseline's requests.
struct HTTP: Sendable {
    let client: HTTP1Client

    struct Answer {
        var status: Int
        /// `retry-after`, in seconds, when the server sent one.
        var retryAfter: Double?
        var body: Data
    }

    enum Method { case get, delete, post }

    func send(_ method: Method, _ url: String, token: String? = nil, body: String? = nil) async throws -> Answer {
        let name = switch method {
        case .get: "GET"
        case .delete: "DELETE"
        case .post: "POST"
        }
        var headers: [(name: String, value: String)] = []
        if let token { headers.append((name: "Authorization", value: "Bearer \(token)")) }
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let answer = try await client.send(name, url, headers: headers, body: body.map { Array($0.utf8) }, timeout: .seconds(60), limit: 256 << 20)
        return Answer(status: answer.status, retryAfter: answer.header("retry-after").flatMap(Double.init), body: Data(answer.body))
    }

    func json<T: Decodable>(_ type: T.Type, _ url: String) async throws -> T {
        let answer = try await send(.get, url)
        guard answer.status == 200 else { throw HarnessError("GET \(url): \(answer.status)") }
        return try JSONDecoder().decode(T.self, from: answer.body)
    }
}

/// `GET /_emulator/stats`.
struct EmulatorStats: Decodable {
    struct Entry: Decodable {
        var method: String
        var route: String
        var status: Int
        var count: Int
    }

    var requests: [Entry]
    var rateLimited: Int
    var total: Int

    enum CodingKeys: String, CodingKey {
        case requests
        case rateLimited = "rate_limited"
        case total
    }

    func count(_ method: String, _ routeSuffix: String) -> Int {
        requests.filter { $0.method == method && $0.route.hasSuffix(routeSuffix) }.reduce(0) { $0 + $1.count }
    }

    /// Listing requests: `GET …/versions`.
    var listings: Int { count("GET", "/versions") }
    /// Version details requests: `GET …/versions/{number}`.
    var details: Int { count("GET", "/versions/{number}") }
    var creates: Int { count("POST", "/versions") }
    var deletes: Int { count("DELETE", "/versions/{number}") }
}

/// One `wriftai-emulator` process on a fixed loopback port, so the details cache (keyed by host and port)
/// carries over from one emulator to the next on the same state.
struct Emulator {
    let server: Server
    let port: Int
    let http: HTTP

    static let token = "bench-token"

    var apiURL: String { "http://127.0.0.1:\(port)/v1" }
    var statsURL: String { "http://127.0.0.1:\(port)/_emulator/stats" }

    /// With `state`, the emulator loads it (and journals every change to it); otherwise it starts in memory with
    /// `models` (`--model`), empty.
    init(binary: String, state: String?, models: [String] = [], port: Int, latencyMs: Int, rateLimit: Int, logs: String, http: HTTP,
         meanwhile: () throws -> Void) throws {
        server = try Server(
            "wriftai-emulator",
            [binary, "--port", String(port), "--token", "\(BenchOwner.name)=\(Emulator.token)",
             "--latency-ms", String(latencyMs), "--rate-limit", String(rateLimit)]
                + (state.map { ["--state", $0] } ?? models.flatMap { ["--model", $0] }),
            logs: logs,
            timeout: 120,
            ready: { $0.hasPrefix("listening on ") },
            meanwhile: meanwhile
        )
        self.port = port
        self.http = http
    }

    func stats() async throws -> EmulatorStats {
        try await http.json(EmulatorStats.self, statsURL)
    }

    func resetStats() async throws {
        let answer = try await http.send(.delete, statsURL)
        guard answer.status == 204 else { throw HarnessError("DELETE /_emulator/stats: \(answer.status)") }
    }

    func stop() {
        server.stop()
    }

    /// Creates a version through the API (waiting out 429s), as a team's earlier pushes would have.
    func create(model: String, body: String) async throws {
        while true {
            let answer = try await http.send(.post, "\(apiURL)/models/\(model)/versions", token: Emulator.token, body: body)
            if answer.status == 429 {
                try await Task.sleep(for: .milliseconds(Int((answer.retryAfter ?? 1) * 1000)))
                continue
            }
            guard answer.status == 201 else {
                throw HarnessError("seeding \(model): POST versions answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
            }
            return
        }
    }
}

enum BenchOwner {
    static let name = "bench"
}

/// What a team would otherwise script with a client SDK: list each model with the default page size (25),
/// get every version's details, one request at a time, sleep on 429 until the limit resets. No cache.
struct NaiveBaseline {
    let http: HTTP
    let apiURL: String

    struct Outcome {
        var requests = 0
        var rateLimited = 0
        var seconds = 0.0
    }

    private struct Page: Decodable {
        struct Item: Decodable { var number: Int }
        var items: [Item]
        var nextCursor: String?
        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
    }

    func run(models: [String]) async throws -> Outcome {
        var outcome = Outcome()
        let started = now()
        for model in models {
            var cursor: String?
            repeat {
                var url = "\(apiURL)/models/\(model)/versions"
                if let cursor { url += "?cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)" }
                let answer = try await get(url, &outcome)
                let page = try JSONDecoder().decode(Page.self, from: answer.body)
                for item in page.items {
                    _ = try await get("\(apiURL)/models/\(model)/versions/\(item.number)", &outcome)
                }
                cursor = page.nextCursor
            } while cursor != nil
        }
        outcome.seconds = now() - started
        return outcome
    }

    private func get(_ url: String, _ outcome: inout Outcome) async throws -> HTTP.Answer {
        while true {
            let answer = try await http.send(.get, url, token: Emulator.token)
            outcome.requests += 1
            if answer.status == 429 {
                outcome.rateLimited += 1
                let wait = answer.retryAfter ?? 1
                try await Task.sleep(for: .milliseconds(Int(max(0.05, min(wait, 5)) * 1000)))
                continue
            }
            guard answer.status == 200 else { throw HarnessError("naive baseline: GET \(url): \(answer.status)") }
            return answer
        }
    }
}
