import Foundation
import Logging
import Testing
@testable import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The client against a server that lies (issue 20): the emulator's `hostile` switches, one per lie. Each
/// test asserts what the client refuses to believe, how many requests it took (bounded time without
/// asserting wall time), and the message.
@Suite("A server that lies")
struct HostileServerTests {
    static let listRoute = "/v1/models/{owner}/{name}/versions"

    /// An emulator telling `hostile` lies, with alice's two models and no rate limit.
    static func emulator(_ hostile: EmulatorConfiguration.Hostile, faults: EmulatorConfiguration.Faults = .init()) -> EmulatorConfiguration {
        var configuration = Fixture.emulator(faults: faults)
        configuration.hostile = hostile
        configuration.initialModels.append(InitialModel(owner: "alice", name: "other"))
        return configuration
    }

    /// Stores versions 1…`count` of `model` straight into the emulator (the listing lies do not touch
    /// what is stored).
    static func store(_ count: Int, in session: Session, model: String = "demo", seedOffset: Int = 0) async throws {
        for seed in 1...count {
            let request = Fixture.version(seed + seedOffset)
            let draft = VersionDraft(
                releaseNotes: request.releaseNotes, containerImageDigest: request.containerImageDigest,
                schemas: request.schemas, compatibilities: request.compatibilities ?? Compatibilities(),
                configuration: nil, fallbackConfiguration: VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []),
                createdAt: "2026-01-01T00:00:00.000Z"
            )
            _ = try await session.storage.createVersion(owner: "alice", name: model, draft: draft)
        }
    }

    static func writes(_ stats: EmulatorStats) -> Int {
        stats.requests.filter { $0.method == "POST" || $0.method == "DELETE" || $0.method == "PATCH" }.reduce(0) { $0 + $1.count }
    }

    // MARK: 1. Malformed digests

    @Test(
        "a listed digest that is not sha256: and 64 lowercase hex digits fails the listing, naming model, field and value",
        arguments: [
            (EmulatorConfiguration.Hostile.DigestSpoiling.unprefixed, "\"0000000000000000000000000000000000000000000000000000000000000003\""),
            (.trailingSpace, "\"sha256:0000000000000000000000000000000000000000000000000000000000000003 \""),
            (.uppercase, "\"sha256:0000000000000000000000000000000000000000000000000000000000000003\""),
        ]
    )
    func spoiledDigests(_ spoiling: EmulatorConfiguration.Hostile.DigestSpoiling, _ shown: String) async throws {
        try await withSession(emulator: Self.emulator(.init(listedDigest: spoiling))) { session in
            // Uppercase hex digits only show with letters in them.
            try await Self.store(3, in: session, seedOffset: spoiling == .uppercase ? 0xABC0 : 0)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .invalidAnswer(let context, let problem) = error else {
                Issue.record("expected an invalid answer, got \(String(describing: error))")
                return
            }
            #expect(problem.model == "alice/demo")
            #expect(problem.field == "items[0].container_image_digest")
            if spoiling == .uppercase {
                #expect(problem.value.contains("sha256:000000000000000000000000000000000000000000000000000000000000ABC3"))
            } else {
                #expect(problem.value == shown)
            }
            #expect(problem.rule == "must match ^sha256:[a-f0-9]{64}$")
            #expect(context.path == "/v1/models/alice/demo/versions?page_size=50")
            #expect(error!.description.hasPrefix("invalid answer from the API: GET /v1/models/alice/demo/versions?page_size=50: 200: alice/demo: items[0].container_image_digest is "))
            let stats = try await session.stats()
            #expect(stats.count(method: "GET", route: Self.listRoute) == 1, "not retried")
            #expect(Self.writes(stats) == 0)
        }
    }

    // MARK: 2. Another model's items (the switch the applier's digest check is tested with)

    @Test("listing one model can answer with another's versions; the details still tell the truth")
    func anotherModelsItems() async throws {
        try await withSession(emulator: Self.emulator(.init(listOtherModel: ["alice/demo": "alice/other"]))) { session in
            try await Self.store(3, in: session)
            try await Self.store(3, in: session, model: "other", seedOffset: 100)
            let listed = try await session.client.allVersions(try Fixture.demo).collect()
            #expect(listed.map(\.containerImageDigest) == [103, 102, 101].map(digest))
            let details = try await session.client.version(try Fixture.demo, number: 3)
            #expect(details.containerImageDigest == digest(3))
        }
    }

    // MARK: 3. A listing that once omits a number

    @Test("a listing can leave a number out once; the next listing has it")
    func omittedOnce() async throws {
        try await withSession(emulator: Self.emulator(.init(omitNumber: 2, omitTimes: 1))) { session in
            try await Self.store(3, in: session)
            #expect(try await session.client.allVersions(try Fixture.demo).collect().map(\.number) == [3, 1])
            #expect(try await session.client.allVersions(try Fixture.demo).collect().map(\.number) == [3, 2, 1])
        }
    }

    // MARK: 5. Impossible version numbers

    @Test(
        "a version number that is not a whole number from 1 to 2^53 fails the listing",
        arguments: ["9223372036854775807", "0", "-1", "9007199254740993", "1.5", "18446744073709551616"]
    )
    func impossibleNumbers(_ literal: String) async throws {
        try await withSession(emulator: Self.emulator(.init(listedNumber: literal))) { session in
            try await Self.store(2, in: session)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .invalidAnswer(_, let problem) = error else {
                Issue.record("expected an invalid answer, got \(String(describing: error))")
                return
            }
            #expect(problem.model == "alice/demo")
            #expect(problem.field == "items[0].number")
            #expect(problem.rule.hasPrefix("must be a whole number from 1 to 2^53"))
            if literal != "18446744073709551616" {
                #expect(problem.value == literal, "the value as sent")
            }
            #expect(!error!.description.contains("not valid JSON"))
            #expect(try await session.stats().count(method: "GET", route: Self.listRoute) == 1)
        }
    }

    // MARK: 6. A body trickled slowly

    @Test("the request timeout covers the body: a body trickled a byte at a time times out")
    func trickledBody() async throws {
        try await withSession(emulator: Self.emulator(.init(trickleMilliseconds: 200)), configure: {
            $0.timeouts.request = .seconds(1)
            $0.retry = .never
        }) { session in
            try await Self.store(2, in: session)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .timeout(let context, let after) = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            #expect(after == .seconds(1))
            #expect(context.path.hasPrefix("/v1/models/alice/demo/versions"))
            #expect(error!.description.hasPrefix("timed out after 1 s: GET /v1/models/alice/demo/versions"))
        }
    }

    // MARK: 7. Fresh cursors, padded pages, long cursors, huge answers

    @Test("a listing that never ends stops at the item cap: at most ⌈10,000/50⌉ + 1 pages, nothing kept but the current page")
    func freshCursorsStopAtTheCap() async throws {
        try await withSession(emulator: Self.emulator(.init(freshCursors: true, padBytes: 4 * 1024))) { session in
            var yielded = 0
            var iterator = session.client.allVersions(try Fixture.demo).makeAsyncIterator()
            let error = await failure {
                while try await iterator.next() != nil { yielded += 1 }
            }
            guard case .pagination(_, let reason) = error else {
                Issue.record("expected a pagination error, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("more than 10000 versions"))
            #expect(yielded == 10_000, "the versions before the cap, one page at a time")
            #expect(try await session.stats().count(method: "GET", route: Self.listRoute) == 201)
        }
    }

    @Test("the page cap stops a listing whose pages are short: ⌈maxItems / pageSize⌉ + 10 pages")
    func pageCap() async throws {
        try await withSession(emulator: Self.emulator(.init(freshCursors: true)), configure: {
            $0.pagination.pageSize = 50
            $0.pagination.maxItems = 200
        }) { session in
            // The emulator's made-up pages hold 5 versions when asked for 5, so ask the API for less than
            // the client plans with, as a server that shortens pages would.
            let listing = VersionListing(
                model: try Fixture.demo, maxPages: session.client.configuration.pagination.pageLimit, maxItems: 200,
                path: "/v1/models/alice/demo/versions"
            ) { cursor async throws(WriftAIError) in
                (try await session.client.listVersions(try! Fixture.demo, cursor: cursor, pageSize: 5), nil)
            }
            #expect(session.client.configuration.pagination.pageLimit == 14)
            let error = await failure { try await listing.collect() }
            guard case .pagination(_, let reason) = error else {
                Issue.record("expected a pagination error, got \(String(describing: error))")
                return
            }
            #expect(reason.hasPrefix("stopped after 14 pages"))
            #expect(try await session.stats().count(method: "GET", route: Self.listRoute) == 14)
        }
    }

    @Test("a cursor longer than the cap fails the page")
    func longCursor() async throws {
        try await withSession(emulator: Self.emulator(.init(freshCursors: true, cursorBytes: 5000))) { session in
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .invalidAnswer(_, let problem) = error else {
                Issue.record("expected an invalid answer, got \(String(describing: error))")
                return
            }
            #expect(problem.field == "next_cursor")
            #expect(problem.rule == "must be at most 4096 bytes long")
            #expect(problem.value.hasSuffix("… (5000 characters)"))
        }
    }

    @Test("an answer larger than the byte cap fails without being kept")
    func hugeAnswer() async throws {
        try await withSession(
            emulator: Self.emulator(.init(padBytes: 2 * 1024 * 1024)),
            configure: {
                $0.limits.maxAnswerBytes = 1024 * 1024
                $0.retry = .never
            }
        ) { session in
            try await Self.store(1, in: session)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .transport(_, let reason) = error else {
                Issue.record("expected a transport error, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("more than the 1048576 bytes a WriftAI answer may have"))
        }
    }

    @Test("the emulator can advertise an x-ratelimit-limit far above its real limit")
    func advertisedLimit() async throws {
        try await withSession(emulator: Self.emulator(.init(advertisedLimit: 100_000))) { session in
            let answer = try await plainHTTP.send(
                "GET", session.emulator.baseURL + "/models/alice/demo", headers: [(name: "Authorization", value: "Bearer \(Users.alice)")],
                timeout: .seconds(10))
            #expect(answer.status == 200)
            #expect(answer.header("x-ratelimit-limit") == "100000")
        }
    }

    // MARK: 8. The overall deadline

    @Test("a server that never answers: the overall deadline ends the call, after one request")
    func neverAnswers() async throws {
        try await withSession(emulator: Self.emulator(.init(neverAnswer: true)), configure: {
            $0.timeouts.request = .seconds(120)
        }) { session in
            let error = await failure {
                // Long enough for the request to go out on a loaded machine; the server never answers it.
                try await session.client.withDeadline(.seconds(10)) {
                    try await session.client.allVersions(try Fixture.demo).collect()
                }
            }
            guard case .deadlineExceeded(let context, let budget) = error else {
                Issue.record("expected the deadline, got \(String(describing: error))")
                return
            }
            #expect(budget == .seconds(10))
            #expect(context.detail == "no complete answer by then")
            #expect(error!.description.hasPrefix("deadline exceeded: the overall limit of 10 s (--deadline) was reached at GET /v1/models/alice/demo/versions"))
            let stats = try await session.stats()
            #expect(stats.count(method: "GET", route: Self.listRoute, status: 0) == 1, "one request, never answered, not retried")
        }
    }

    @Test("a 429 whose reset is further away than the deadline fails at once instead of waiting")
    func farResetUnderADeadline() async throws {
        // A deadline long enough for the 429 to arrive on a loaded machine, and still far before the reset.
        try await withSession(emulator: Self.emulator(.init(alwaysRateLimitedSeconds: 55)), configure: {
            $0.retry.maxRateLimitWait = .seconds(120)
            $0.deadline = .seconds(30)
        }) { session in
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .deadlineExceeded(let context, let budget) = error else {
                Issue.record("expected the deadline, got \(String(describing: error))")
                return
            }
            #expect(budget == .seconds(30))
            #expect(context.status == 429)
            #expect(context.detail?.contains("from now, after the deadline") == true)
            let stats = try await session.stats()
            #expect(stats.rateLimited == 1)
            #expect(stats.total == 1)
        }
    }

    @Test("nested deadlines: the earliest wins, and work outside them is not bounded")
    func nestedDeadlines() async throws {
        try await withSession { session in
            let client = session.client
            #expect(client.activeDeadline == nil)
            await client.withDeadline(.seconds(60)) {
                let outer = client.activeDeadline
                #expect(outer?.budget == .seconds(60))
                await client.withDeadline(.seconds(5)) {
                    #expect(client.activeDeadline?.budget == .seconds(5))
                    await client.withDeadline(.seconds(600)) {
                        #expect(client.activeDeadline?.budget == .seconds(5))
                    }
                }
                // Child tasks see it too.
                await withTaskGroup(of: Duration?.self) { group in
                    group.addTask { client.activeDeadline?.budget }
                    for await budget in group { #expect(budget == .seconds(60)) }
                }
            }
            #expect(client.activeDeadline == nil)
            // The static form, for code holding only a protocol, bounds this client too.
            await WriftAIClient.withDeadline(.seconds(7)) {
                #expect(client.activeDeadline?.budget == .seconds(7))
            }
            _ = try await client.model(try Fixture.demo)
        }
    }

    @Test("a deadline already past sends nothing")
    func pastDeadline() async throws {
        try await withSession(configure: { $0.deadline = .milliseconds(1) }) { session in
            try await Task.sleep(for: .milliseconds(20))
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .deadlineExceeded(let context, _) = error else {
                Issue.record("expected the deadline, got \(String(describing: error))")
                return
            }
            #expect(context.detail == "before the request could be sent")
            #expect(try await session.stats().total == 0)
        }
    }

    // MARK: 10. 422 whose detail is not a list

    @Test(
        "a 422 whose detail is a string or an object keeps the server's words",
        arguments: [
            (EmulatorConfiguration.Hostile.DetailShape.string, "This model has reached its version quota"),
            (.object, #"{"error":"quota_exceeded","limit":10,"message":"This model has reached its version quota"}"#),
        ]
    )
    func validationDetails(_ shape: EmulatorConfiguration.Hostile.DetailShape, _ shown: String) async throws {
        try await withSession(emulator: Self.emulator(.init(validationDetail: shape))) { session in
            let error = await failure { try await session.client.createVersion(try Fixture.demo, Fixture.version(1)) }
            guard case .validation(let context, let issues) = error else {
                Issue.record("expected a validation error, got \(String(describing: error))")
                return
            }
            #expect(issues.isEmpty)
            #expect(context.detail == shown)
            #expect(error!.description == "validation failed: POST /v1/models/alice/demo/versions: 422: \(shown)")
            let demo = try Fixture.demo
            #expect(await session.storedDigests(demo).isEmpty)
        }
    }

    // MARK: 11. A wrong base URL

    @Test("a 404 that is not the API's says the base URL may be wrong and shows it", arguments: ["", "/v1/v1", "/api/v1"])
    func wrongBaseURL(_ path: String) async throws {
        try await withSession { session in
            let base = "http://127.0.0.1:\(session.emulator.port)\(path)"
            var configuration = Fixture.client(session.emulator)
            configuration.server.baseURL = base
            let client = try WriftAIClient(configuration: configuration)
            let error = await failure { try await client.allVersions(try Fixture.demo).collect() }
            try await client.shutdown()
            guard case .unknownEndpoint(let context, let baseURL) = error else {
                Issue.record("expected an unknown endpoint, got \(String(describing: error))")
                return
            }
            #expect(baseURL == base)
            #expect(context.status == 404)
            #expect(context.detail == "Not Found")
            let description = error!.description
            #expect(description.contains("GET \(path)/models/alice/demo/versions?page_size=50: 404 (Not Found)"))
            #expect(description.contains("the API base URL \"\(base)\" may be wrong"))
            #expect(description.contains("single /v1"))
            #expect(try await session.stats().total == 1, "not retried")
        }
    }

    @Test("a proxy's HTML 404 is not a missing model; the API's own 404s still are")
    func proxyNotFound() async throws {
        try await withSession(emulator: Self.emulator(.init(notFoundBody: .html))) { session in
            let error = await failure { try await session.client.model(try Fixture.demo) }
            guard case .unknownEndpoint(let context, _) = error else {
                Issue.record("expected an unknown endpoint, got \(String(describing: error))")
                return
            }
            #expect(context.detail?.hasPrefix(#"<html>\r\n<head><title>404 Not Found</title>"#) == true, "escaped, one line")
        }
        try await withSession { session in
            let missing = await failure { try await session.client.model(try ModelID(parsing: "alice/missing")) }
            guard case .notFound = missing else {
                Issue.record("expected not found, got \(String(describing: missing))")
                return
            }
            let version = await failure { try await session.client.version(try Fixture.demo, number: 7) }
            guard case .notFound = version else {
                Issue.record("expected not found, got \(String(describing: version))")
                return
            }
        }
    }

    // MARK: 12. Repeated items, HTTP-date Retry-After, decimals, deep JSON

    @Test("an item repeated across pages fails the listing, naming both pages")
    func repeatedItem() async throws {
        try await withSession(emulator: Self.emulator(.init(repeatItemAcrossPages: true)), configure: {
            $0.pagination.pageSize = 5
        }) { session in
            try await Self.store(8, in: session)
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .invalidAnswer(_, let problem) = error else {
                Issue.record("expected an invalid answer, got \(String(describing: error))")
                return
            }
            #expect(problem.field == "items[0].number on page 2")
            #expect(problem.value == "4")
            #expect(problem.rule == "must appear once in a listing, but page 1 listed it already")
        }
    }

    @Test("a Retry-After given as an HTTP-date is waited for: one 429, then the answer")
    func retryAfterDate() async throws {
        try await withSession(emulator: Self.emulator(.init(retryAfterDateSeconds: 2))) { session in
            _ = try await session.client.model(try Fixture.demo)
            let stats = try await session.stats()
            // Ignoring the date, the client would retry after its default second, into another 429.
            #expect(stats.rateLimited == 1)
            #expect(stats.total == 2)
        }
    }

    @Test("JSON nested past 512 levels is named as such, not as invalid JSON")
    func deepJSON() async throws {
        try await withSession(emulator: Self.emulator(.init(deepJSON: 600))) { session in
            let error = await failure { try await session.client.allVersions(try Fixture.demo).collect() }
            guard case .decoding(_, let reason) = error else {
                Issue.record("expected a decoding error, got \(String(describing: error))")
                return
            }
            #expect(reason.hasPrefix("the answer nests arrays or objects more than 512 levels deep"))
        }
    }

    // MARK: Details and creates are validated too

    @Test("a version's details must be for the number asked for, with a valid digest")
    func detailsValidation() throws {
        let check = AnswerValidation(
            model: try Fixture.demo, context: WriftAIError.Context(method: "GET", path: "/v1/models/alice/demo/versions/4"))
        func details(_ number: Int, _ digest: String?) -> ModelVersionDetails {
            ModelVersionDetails(
                number: number, releaseNotes: "", createdAt: "2026-01-01T00:00:00Z", containerImageDigest: digest,
                schemas: Schemas(prediction: PredictionSchemas(input: [:], output: [:])), compatibilities: Compatibilities(),
                size: nil)
        }
        #expect(throws: Never.self) { try check.checkDetails(details(4, digest(4)), number: 4) }
        #expect(throws: Never.self) { try check.checkDetails(details(4, nil), number: 4) }
        let cases: [(ModelVersionDetails, String)] = [
            (details(5, digest(4)), "alice/demo: number is 5, which must be the number asked for (4)"),
            (details(4, "sha256:xyz"), #"alice/demo: container_image_digest is "sha256:xyz", which must match ^sha256:[a-f0-9]{64}$"#),
            (details(-4, nil), "alice/demo: number is -4, which must be a whole number from 1 to 2^53 (version numbers are)"),
        ]
        for (answer, message) in cases {
            #expect {
                try check.checkDetails(answer, number: 4)
            } throws: { error in
                guard case .invalidAnswer(_, let problem) = error as? WriftAIError else { return false }
                return problem.description == message
            }
        }
        for answer in [details(9, digest(8)), details(9, nil)] {
            #expect {
                try check.checkCreated(answer, digest: digest(9))
            } throws: { error in
                "\(error)".contains("must be the digest of the create request")
            }
        }
        #expect(throws: Never.self) { try check.checkCreated(details(9, digest(9)), digest: digest(9)) }
        var longNotes = details(4, nil)
        longNotes.releaseNotes = String(repeating: "x", count: 2000)
        #expect(throws: WriftAIError.self) { try check.checkDetails(longNotes, number: 4) }
        var newline = details(4, nil)
        newline.createdAt = "2026\n"
        #expect(throws: WriftAIError.self) { try check.checkDetails(newline, number: 4) }
    }

    /// A create whose answer was lost is looked for by its digest; the listing naming the digest is not enough:
    /// the version's details must name it too. Before, the details of whatever number the listing gave were
    /// taken for the new version, and the model's next change deleted the version it replaced.
    @Test("a version found by its digest after a lost answer must name that digest in its details", arguments: [
        (Optional<String>(digest(8)), "its details name another"),
        (nil, "its details name none"),
    ])
    func foundByDigestMustNameItInItsDetails(_ detailsDigest: String?, _ reason: String) async throws {
        let sent: String = digest(9)
        let named = detailsDigest.map { #""container_image_digest":"\#($0)","# } ?? ""
        let details = #"{"number":3,"release_notes":"","created_at":"2026-01-01T00:00:00Z",\#(named)"#
            + #""schemas":{"prediction":{"input":{},"output":{}}},"compatibilities":{}}"#
        let server = try ScriptedServer { _, request in
            if request.requestLine.hasPrefix("POST ") { return .answer(#"{"detail":"bad gateway"}"#, status: "502 Bad Gateway") }
            if request.requestLine.hasPrefix("GET /v1/models/alice/demo/versions/3 ") { return .answer(details) }
            return .answer(#"{"items":[{"number":3,"release_notes":"","created_at":"2026-01-01T00:00:00Z","container_image_digest":"\#(sent)"}],"next_cursor":null,"previous_cursor":null}"#)
        }
        defer { server.stop() }
        var configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://127.0.0.1:\(server.port)/v1", allowInsecureHTTP: true), token: AccessToken("some-token-value"),
            retry: RetryPolicy(maxRetries: 1, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(2), createSettle: .zero))
        configuration.pacing.requestsPerSecond = nil
        let client = try WriftAIClient(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let error = await failure { try await client.createVersion(try Fixture.demo, Fixture.version(9)) }
        try await client.shutdown()
        guard case .createOutcomeUnknown(_, let digest, let why) = error else {
            Issue.record("expected an unknown outcome, got \(String(describing: error))")
            return
        }
        #expect(digest == sent)
        #expect(why.contains(reason), "\(why)")
        let lines = server.received.map(\.requestLine)
        #expect(lines.filter { $0.hasPrefix("POST ") }.count == 1, "never sent again once the listing named the digest: \(lines)")
        #expect(lines.contains { $0.hasPrefix("GET /v1/models/alice/demo/versions/3 ") })
    }

    /// How listing the demo model through `server` (a client pacing nothing) fails.
    static func listingError(from server: ScriptedServer) async throws -> WriftAIError? {
        var configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://127.0.0.1:\(server.port)/v1", allowInsecureHTTP: true), token: AccessToken("some-token-value"))
        configuration.pacing.requestsPerSecond = nil
        let client = try WriftAIClient(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let error = await failure { try await client.allVersions(try Fixture.demo).collect() }
        try await client.shutdown()
        return error
    }

    // MARK: Repeated keys

    /// `JSONDecoder` keeps one value of a repeated key without a word (here the first, `null`), where the server
    /// may mean the other: this page ended the listing, although it names a next page. Refused instead.
    @Test("an answer repeating a key in one object is refused, not read by one of its values")
    func repeatedKeysAreRefused() async throws {
        let page = #"{"items":[{"number":2,"release_notes":"","created_at":"2026-01-01T00:00:00Z"}],"next_cursor":null,"previous_cursor":null,"next_cursor":"c2"}"#
        let server = try ScriptedServer { _, _ in .answer(page) }
        defer { server.stop() }
        let error = try await Self.listingError(from: server)
        guard case .decoding(_, let reason) = error else {
            Issue.record("expected a decoding error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(#"repeats the key "next_cursor""#), "\(reason)")
    }

    // MARK: Order

    /// A listing is newest first: a number above the one listed before it, on the same page or a later one,
    /// refuses the listing. Before, only a repeated number did: a page of numbers far above the others was
    /// believed, and every create then failed as "not above" them.
    @Test("a listing out of order is refused", arguments: [
        [[3, 2], [9, 8]],
        [[2, 3]],
        [[5, 4], [1], [3]],
    ])
    func outOfOrderListingsAreRefused(_ pages: [[Int]]) async throws {
        @Sendable func item(_ number: Int) -> String { #"{"number":\#(number),"release_notes":"","created_at":"2026-01-01T00:00:00Z"}"# }
        let server = try ScriptedServer { index, _ in
            let page = pages[min(index, pages.count - 1)]
            let next = index + 1 < pages.count ? #""c\#(index + 1)""# : "null"
            return .answer(#"{"items":[\#(page.map(item).joined(separator: ","))],"next_cursor":\#(next),"previous_cursor":null}"#)
        }
        defer { server.stop() }
        let error = try await Self.listingError(from: server)
        guard case .invalidAnswer(_, let problem) = error else {
            Issue.record("expected an invalid answer, got \(String(describing: error))")
            return
        }
        #expect(problem.rule.contains("a listing is newest first"), "\(problem)")
    }

    // MARK: Host names that do not resolve

    @Test("a host name that does not resolve is retried once, not a dozen times")
    func unresolvableHost() async throws {
        let logs = LogCapture()
        var configuration = WriftAIClient.Configuration(
            server: .init(baseURL: "http://wriftsync-hostile-test.invalid/v1", allowInsecureHTTP: true),
            token: AccessToken("some-token-value"),
            retry: RetryPolicy(maxRetries: 10, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20))
        )
        configuration.pacing.requestsPerSecond = nil
        let client = try WriftAIClient(configuration: configuration, logger: logs.logger)
        let error = await failure { try await client.model(try Fixture.demo) }
        try await client.shutdown()
        guard case .hostNotFound(_, let host, _) = error else {
            Issue.record("expected host not found, got \(String(describing: error))")
            return
        }
        #expect(host == "wriftsync-hostile-test.invalid")
        #expect(error!.description.hasPrefix("cannot resolve the API host \"wriftsync-hostile-test.invalid\""))
        #expect(logs.lines.filter { $0.contains("retrying WriftAI API request") }.count == 1)
    }
}
