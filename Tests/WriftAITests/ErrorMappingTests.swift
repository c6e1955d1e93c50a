import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
@testable import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

@Suite("Errors mapped from the emulator's answers")
struct ErrorMappingTests {
    @Test("401 for an unknown token")
    func unauthorized() async throws {
        try await withSession(configure: { $0.token = AccessToken("not-a-known-token") }) { session in
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .unauthorized(let context) = error else {
                Issue.record("expected unauthorized, got \(String(describing: error))")
                return
            }
            #expect(context == .init(method: "GET", path: "/v1/models/alice/demo", status: 401,
                                     detail: "Invalid or missing access token"))
            #expect(error?.description.contains("GET /v1/models/alice/demo: 401 (Invalid or missing access token)") == true)
        }
    }

    @Test("403 for writing another user's public model")
    func forbidden() async throws {
        try await withSession(configure: { $0.token = AccessToken(Users.bob) }) { session in
            let shared = try Fixture.shared
            #expect(try await session.client.model(shared).name == "shared")
            let error = await failure { try await session.client.createVersion(shared, Fixture.version(1)) }
            guard case .forbidden(let context) = error else {
                Issue.record("expected forbidden, got \(String(describing: error))")
                return
            }
            #expect(context.method == "POST")
            #expect(context.path == "/v1/models/alice/shared/versions")
            #expect(context.status == 403)
            #expect(error?.description.contains("permission") == true)
        }
    }

    @Test("404 for a missing model and a missing version")
    func notFound() async throws {
        try await withSession { session in
            let missing = try ModelID(parsing: "alice/missing")
            let model = await failure { try await session.client.listVersions(missing) }
            guard case .notFound(let context) = model else {
                Issue.record("expected notFound, got \(String(describing: model))")
                return
            }
            #expect(context.detail == "Model not found")
            let version = await failure { try await session.client.version(try Fixture.demo, number: 3) }
            #expect(version?.description == "not found: GET /v1/models/alice/demo/versions/3: 404 (Model version not found)")
            // Not retried: one request each.
            #expect(try await session.stats().total == 2)
        }
    }

    @Test("422 lists every issue with its field path and message")
    func validation() async throws {
        try await withSession { session in
            var request = Fixture.version(1)
            request.containerImageDigest = "sha256:XYZ"
            request.releaseNotes = String(repeating: "n", count: 300)
            request.configuration = VersionConfiguration(hardwareIdentifier: "", variableNames: [])
            let error = await failure { try await session.client.createVersion(try Fixture.demo, request) }
            guard case .validation(let context, let issues) = error else {
                Issue.record("expected validation, got \(String(describing: error))")
                return
            }
            #expect(context.status == 422)
            #expect(Set(issues.map(\.path)) == [
                "body.release_notes", "body.container_image_digest", "body.configuration.hardware_identifier",
            ])
            #expect(issues.first { $0.path == "body.release_notes" }?.msg == "String should have at most 255 characters")
            #expect(issues.first { $0.path == "body.release_notes" }?.type == "string_too_long")
            let description = error?.description ?? ""
            #expect(description.contains("POST /v1/models/alice/demo/versions: 422"))
            #expect(description.contains("body.container_image_digest: String should match pattern"))
            // A refused create is not a lost one: no listing to resolve it, and no resend.
            let stats = try await session.stats()
            #expect(stats.total == 1)
        }
    }

    @Test("422 for an invalid page size")
    func invalidQuery() async throws {
        try await withSession { session in
            let error = await failure { try await session.client.listVersions(try Fixture.demo, cursor: nil, pageSize: 2) }
            guard case .validation(_, let issues) = error else {
                Issue.record("expected validation, got \(String(describing: error))")
                return
            }
            #expect(issues.map(\.path) == ["query.page_size"])
        }
    }

    /// Another client on alice's token, which spends the window the session's client does not know about.
    private func withOtherClient<Value: Sendable>(
        _ session: Session,
        _ body: (WriftAIClient) async throws -> Value
    ) async throws -> Value {
        let other = try WriftAIClient(configuration: Fixture.client(session.emulator))
        do {
            let value = try await body(other)
            try await other.shutdown()
            return value
        } catch {
            try? await other.shutdown()
            throw error
        }
    }

    @Test("429 when another client spent the window, with the reset as the wait")
    func rateLimited() async throws {
        // The emulator's clock stands still, so both requests land in one window however slow the machine. It
        // stands at the real time when the test began, so that the reset it announces is as near as a real
        // server's (the client measures the wait from its own clock).
        let clock = TestClock(startDate: Date())
        var emulator = Fixture.emulator(rateLimit: .init(authenticated: 1, unauthenticated: 1))
        emulator.clock = .test(clock)
        try await withSession(emulator: emulator, configure: { $0.retry = .never }) { session in
            let limited = try await withOtherClient(session) { other in
                _ = try await other.model(try Fixture.demo)
                return await failure { try await session.client.model(try Fixture.demo) }
            }
            guard case .rateLimited(let context, let retryAfter) = limited else {
                Issue.record("expected rateLimited, got \(String(describing: limited))")
                return
            }
            #expect(context.status == 429)
            #expect(context.detail == "Rate limit exceeded")
            let wait = try #require(retryAfter)
            #expect(wait > .zero && wait <= .milliseconds(1100))
        }
    }

    @Test("429 is retried after the reset", .timeLimit(.minutes(1)))
    func rateLimitedRetried() async throws {
        // The emulator's clock stands still at the start of the second after next: the pair lands in one window,
        // and the reset it announces is one to two seconds ahead of the client's clock, which the client waits
        // out before retrying. Meanwhile the test, told by the client's log that it will retry, moves the
        // emulator's clock to the reset.
        let clock = TestClock(startDate: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 1).rounded(.down)))
        var emulator = Fixture.emulator(rateLimit: .init(authenticated: 1, unauthenticated: 1))
        emulator.clock = .test(clock)
        let log = LogStream()
        try await withSession(emulator: emulator, logger: log.logger) { session in
            try await withOtherClient(session) { other in
                let demo = try Fixture.demo
                _ = try await other.model(demo)
                async let retried = session.client.model(demo)
                await log.next("retrying WriftAI API request")
                clock.advance(by: .seconds(1))
                #expect(try await retried.name == "demo")
                let rateLimited = try await session.stats().rateLimited
                if rateLimited == 0 { Issue.record("no request was rate limited") }
                #expect(rateLimited == 1, "the first attempt was refused, the retry after the reset was not")
            }
        }
    }

    @Test("5xx after the retries are used up")
    func server() async throws {
        try await withSession(emulator: Fixture.emulator(faults: .init(failRate: 1)), configure: {
            $0.retry.maxRetries = 2
        }) { session in
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .server(let status, let context) = error else {
                Issue.record("expected server, got \(String(describing: error))")
                return
            }
            #expect(status == 503)
            #expect(context.detail == "Service temporarily unavailable")
            let stats = try await session.stats()
            #expect(stats.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 503) == 3)
        }
    }

    @Test("transport failure when nothing listens")
    func transport() async throws {
        // A port bound and never listened on, held for the whole test: connecting is refused. (A port freed
        // before the call was taken by another test's server in a full run, which then answered.)
        let (held, port) = try boundLoopbackSocket()
        defer { close(held) }
        var configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://127.0.0.1:\(port)/v1"),
            token: AccessToken(Users.alice),
            retry: RetryPolicy(maxRetries: 1, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(5))
        )
        configuration.pacing.requestsPerSecond = nil
        // The HTTP client keeps trying to connect until the connect timeout; keep that short.
        configuration.timeouts.connect = .milliseconds(300)
        let client = try WriftAIClient(
            configuration: configuration,
            logger: Logger(label: "wriftai-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let error = await failure { try await client.model(try Fixture.demo) }
        try await client.shutdown()
        guard case .transport(let context, let reason) = error else {
            Issue.record("expected transport, got \(String(describing: error))")
            return
        }
        #expect(context.status == nil)
        #expect(context.path == "/v1/models/alice/demo")
        #expect(!reason.isEmpty)
        #expect(error?.description.hasPrefix("connection failed: GET /v1/models/alice/demo") == true)
    }

    @Test("timeout when the answer is slower than the request timeout")
    func timeout() async throws {
        try await withSession(emulator: Fixture.emulator(faults: .init(latencyMilliseconds: 400)), configure: {
            $0.timeouts.request = .milliseconds(100)
            $0.retry = .never
        }) { session in
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .timeout(let context, let after) = error else {
                Issue.record("expected timeout, got \(String(describing: error))")
                return
            }
            #expect(after == .milliseconds(100))
            #expect(context.path == "/v1/models/alice/demo")
        }
    }

    @Test("an answer of the wrong shape is a decoding error naming the field")
    func decoding() async throws {
        try await withSession { session in
            let endpoint = Endpoint.model(try Fixture.demo)
            let response = APIResponse(status: 200, body: Array(#"{"id": "x", "name": 3}"#.utf8))
            let error = await failure {
                try session.client.decode(Model.self, from: response, endpoint: endpoint)
            }
            guard case .decoding(let context, let reason) = error else {
                Issue.record("expected decoding, got \(String(describing: error))")
                return
            }
            #expect(context.status == 200)
            #expect(context.path == "/v1/models/alice/demo")
            #expect(reason.contains("name"))
        }
    }

    @Test("other statuses keep their code and detail")
    func unexpectedStatus() async throws {
        try await withSession { session in
            let context = WriftAIError.Context(method: "POST", path: "/v1/models")
            let error = session.client.errorForStatus(
                409, body: Array(#"{"detail":"A model with this name already exists"}"#.utf8),
                context: context, observation: nil)
            guard case .unexpectedStatus(409, let mapped) = error else {
                Issue.record("expected unexpectedStatus, got \(error)")
                return
            }
            #expect(mapped.detail == "A model with this name already exists")
        }
    }
}
