import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The emulator's `hostile` switches (issue 20): each tells its lie, exactly, and nothing else changes
/// (the stored versions and the version details stay true). In process, through the router, except the two
/// lies told on the connection: a body trickled a byte at a time and an answer never sent.
@Suite("Hostile switches")
struct HostileEmulatorTests {
    static let list = "/v1/models/alice/demo/versions"

    static func configuration(_ hostile: EmulatorConfiguration.Hostile) -> EmulatorConfiguration {
        var configuration = Fixture.configuration(
            models: [InitialModel(owner: "alice", name: "demo"), InitialModel(owner: "alice", name: "other")])
        configuration.hostile = hostile
        return configuration
    }

    /// Creates versions of `model` through the API (writes are not lied about).
    static func create(_ seeds: ClosedRange<Int>, _ client: EmulatorTestClient, model: String = "demo") async throws {
        for seed in seeds {
            let answer = try await client.send(
                .post, "/v1/models/alice/\(model)/versions", token: Users.alice, json: Fixture.versionBody(seed))
            #expect(answer.status == 201)
        }
    }

    static func text(_ answer: EmulatorTestClient.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }

    @Test(
        "spoiled digests: unprefixed, with a trailing space, in uppercase",
        arguments: [
            (EmulatorConfiguration.Hostile.DigestSpoiling.unprefixed, String(repeating: "0", count: 61) + "abc"),
            (.trailingSpace, "sha256:" + String(repeating: "0", count: 61) + "abc "),
            (.uppercase, "sha256:" + String(repeating: "0", count: 61) + "ABC"),
        ]
    )
    func spoiledDigests(_ spoiling: EmulatorConfiguration.Hostile.DigestSpoiling, _ listed: String) async throws {
        try await withRoutes(Self.configuration(.init(listedDigest: spoiling))) { client in
            try await Self.create(0xABC...0xABC, client)
            let answer = try await client.send(.get, Self.list, token: Users.alice)
            #expect(answer.json?["items"]?.arrayValue?.first?["container_image_digest"]?.stringValue == listed)
            let details = try await client.send(.get, Self.list + "/1", token: Users.alice)
            #expect(details.json?["container_image_digest"]?.stringValue == digest(0xABC), "details stay true")
        }
    }

    @Test("another model's items, a number omitted once, an impossible number, an item repeated across pages")
    func listingLies() async throws {
        try await withRoutes(Self.configuration(.init(listOtherModel: ["alice/demo": "alice/other"]))) { client in
            try await Self.create(1...2, client)
            try await Self.create(11...13, client, model: "other")
            let answer = try await client.send(.get, Self.list, token: Users.alice)
            #expect(answer.json?["items"]?.arrayValue?.map { $0["container_image_digest"]?.stringValue } == [13, 12, 11].map(digest))
        }
        try await withRoutes(Self.configuration(.init(omitNumber: 2, omitTimes: 2))) { client in
            try await Self.create(1...3, client)
            var numbers: [[Int]] = []
            for _ in 0..<3 {
                let answer = try await client.send(.get, Self.list, token: Users.alice)
                numbers.append(try answer.decode(Page<ModelVersion>.self).items.map(\.number))
            }
            #expect(numbers == [[3, 1], [3, 1], [3, 2, 1]])
        }
        try await withRoutes(Self.configuration(.init(listedNumber: "9223372036854775807"))) { client in
            try await Self.create(1...2, client)
            let first = Self.text(try await client.send(.get, Self.list + "?page_size=5", token: Users.alice))
            #expect(first.hasPrefix(#"{"items":[{"number":9223372036854775807,"release_notes":"release 2""#))
            #expect(first.contains(#"{"number":1,"#))
        }
        try await withRoutes(Self.configuration(.init(listedNumber: "1.5"))) { client in
            try await Self.create(1...1, client)
            #expect(Self.text(try await client.send(.get, Self.list, token: Users.alice)).hasPrefix(#"{"items":[{"number":1.5,"#))
        }
        try await withRoutes(Self.configuration(.init(repeatItemAcrossPages: true))) { client in
            try await Self.create(1...7, client)
            let first = try await client.send(.get, Self.list + "?page_size=5", token: Users.alice).decode(Page<ModelVersion>.self)
            #expect(first.items.map(\.number) == [7, 6, 5, 4, 3])
            let cursor = try #require(first.nextCursor)
            let second = try await client.send(.get, Self.list + "?page_size=5&cursor=\(cursor)", token: Users.alice)
                .decode(Page<ModelVersion>.self)
            #expect(second.items.map(\.number) == [3, 2, 1])
        }
    }

    @Test("a listing that lags behind writes hides a new version until the lag has passed")
    func listLag() async throws {
        // The emulator's clock stands still until the test moves it: the listing right after the create is at
        // the same instant, however slow the machine.
        let clock = TestClock()
        var configuration = Self.configuration(.init(listLagMilliseconds: 5000))
        configuration.clock = .test(clock)
        try await withRoutes(configuration) { client in
            try await Self.create(1...1, client)
            let soon = try await client.send(.get, Self.list, token: Users.alice).decode(Page<ModelVersion>.self)
            #expect(soon.items.isEmpty, "created just now")
            let details = try await client.send(.get, Self.list + "/1", token: Users.alice)
            #expect(details.status == 200, "the version exists")
            clock.advance(by: .milliseconds(4999))
            let almost = try await client.send(.get, Self.list, token: Users.alice).decode(Page<ModelVersion>.self)
            #expect(almost.items.isEmpty, "a millisecond before the lag has passed")
            clock.advance(by: .milliseconds(1))
            let later = try await client.send(.get, Self.list, token: Users.alice).decode(Page<ModelVersion>.self)
            #expect(later.items.map(\.number) == [1])
            #expect(later.items.first?.createdAt == "2027-01-15T08:00:00.000Z", "created at the emulator's time")
        }
    }

    @Test("fresh cursors never end; pages can be padded and cursors long; items can nest past 512 levels")
    func endlessAndBloatedPages() async throws {
        try await withRoutes(Self.configuration(.init(freshCursors: true, padBytes: 1000, cursorBytes: 300))) { client in
            var cursor: String?
            var cursors: Set<String> = []
            var numbers: [Int] = []
            for _ in 0..<3 {
                let path = Self.list + "?page_size=5" + (cursor.map { "&cursor=\($0)" } ?? "")
                let answer = try await client.send(.get, path, token: Users.alice)
                #expect(answer.body.count > 1000)
                let page = try answer.decode(Page<ModelVersion>.self)
                numbers += page.items.map(\.number)
                #expect(page.items.allSatisfy { NameRules.isValidDigest($0.containerImageDigest ?? "") })
                let next = try #require(page.nextCursor)
                #expect(next.utf8.count == 300)
                cursors.insert(next)
                cursor = next
            }
            #expect(cursors.count == 3)
            #expect(numbers == (0..<15).map { (1 << 53) - $0 })
        }
        try await withRoutes(Self.configuration(.init(deepJSON: 600))) { client in
            let text = Self.text(try await client.send(.get, Self.list, token: Users.alice))
            #expect(text.hasPrefix("{\"items\":" + String(repeating: "[", count: 600) + "]"))
        }
    }

    @Test("a body trickled a byte at a time takes at least a pause per byte")
    func trickle() async throws {
        // The pauses are on a test clock that jumps to each pause's end: the answer comes as fast as the
        // machine writes it (no real pause races the client's timeout), and the clock adds up the pauses.
        let clock = TestClock(advancesOnSleep: true)
        var configuration = Self.configuration(.init(trickleMilliseconds: 200))
        configuration.clock = .test(clock)
        // Each byte is its own write, and each write waits for a turn on the machine's two cores: alone the
        // answer takes milliseconds, in a full test run over a minute has been seen. The real clock only bounds
        // a hang here, so the client waits long.
        try await withEmulator(configuration, clientTimeout: .seconds(600)) { client, _ in
            let start = clock.now
            // A short answer (an empty listing), so the test stays cheap.
            let answer = try await client.send(.get, Self.list, token: Users.alice)
            #expect(answer.status == 200)
            #expect(answer.body.count < 100, "\(answer.body.count) bytes")
            #expect(clock.now - start >= .milliseconds(200 * (answer.body.count - 1)))
            #expect(clock.sleeps == Array(repeating: .milliseconds(200), count: answer.body.count), "a pause after each byte")
        }
    }

    @Test("rate-limit lies: an advertised limit far above the real one, a 429 with a far reset, a Retry-After date")
    func rateLimitLies() async throws {
        try await withRoutes(Self.configuration(.init(advertisedLimit: 100_000))) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
            #expect(answer.header("x-ratelimit-limit") == "100000")
        }
        // On a test clock (2027-01-15T08:00:00Z, a whole second), whose time the resets are counted from.
        let alwaysClock = TestClock()
        var always = Self.configuration(.init(alwaysRateLimitedSeconds: 55))
        always.clock = .test(alwaysClock)
        try await withRoutes(always) { client in
            for _ in 0..<2 {
                let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
                #expect(answer.status == 429)
                let reset = try #require(answer.header("x-ratelimit-reset").flatMap(Double.init))
                #expect(reset >= alwaysClock.date.timeIntervalSince1970 + 50)
                #expect(reset == alwaysClock.date.timeIntervalSince1970.rounded(.up) + 55)
                #expect(answer.header("retry-after") == "55")
                alwaysClock.advance(by: .seconds(3600))
            }
        }
        let dateClock = TestClock()
        var dated = Self.configuration(.init(retryAfterDateSeconds: 30))
        dated.clock = .test(dateClock)
        try await withRoutes(dated) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
            #expect(answer.status == 429)
            #expect(answer.header("x-ratelimit-reset") == nil)
            let date = try #require(answer.header("retry-after"))
            #expect(date == "Fri, 15 Jan 2027 08:00:30 GMT")
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let when = try #require(formatter.date(from: date))
            let ahead = when.timeIntervalSince(dateClock.date)
            #expect(ahead > 25 && ahead <= 31)
            dateClock.advance(by: .milliseconds(29_999))
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 429, "until the date")
            dateClock.advance(by: .milliseconds(1))
            #expect(try await client.send(.get, "/v1/models/alice/demo", token: Users.alice).status == 200, "and not after it")
        }
    }

    @Test("error lies: 422 details that are not lists, 404s that are not the API's; nothing is created")
    func errorLies() async throws {
        for (shape, detail) in [
            (EmulatorConfiguration.Hostile.DetailShape.string, JSONValue.string("This model has reached its version quota")),
            (.object, ["error": "quota_exceeded", "message": "This model has reached its version quota", "limit": 10]),
        ] {
            try await withRoutes(Self.configuration(.init(validationDetail: shape))) { client in
                let answer = try await client.send(.post, Self.list, token: Users.alice, json: Fixture.versionBody(1))
                #expect(answer.status == 422)
                #expect(answer.json?["detail"] == detail)
                let listed = try await client.send(.get, Self.list, token: Users.alice)
                #expect(try listed.decode(Page<ModelVersion>.self).items.isEmpty)
            }
        }
        try await withRoutes(Self.configuration(.init(notFoundBody: .html))) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
            #expect(answer.status == 404)
            #expect(answer.header("content-type") == "text/html")
            #expect(Self.text(answer).contains("<h1>404 Not Found</h1>"))
        }
        try await withRoutes(Self.configuration(.init(notFoundBody: .generic))) { client in
            let answer = try await client.send(.get, "/v1/models/alice/demo", token: Users.alice)
            #expect(answer.status == 404)
            #expect(answer.detail == "Not Found")
        }
    }

    @Test("a server that never answers counts the request, holds it, and still shuts down gracefully")
    func neverAnswers() async throws {
        // The request stays open until the emulator has counted it, however loaded the machine (with a one-second
        // wait, a run of the whole suite once saw the client give up before the emulator had read the request);
        // the emulator's shutdown then closes it, unanswered.
        let (stats, request) = try await withRunningEmulator(
            configuration: Self.configuration(.init(neverAnswer: true)), storage: try InMemoryEmulatorStorage(),
            logger: Fixture.logger
        ) { emulator in
            let request = Task {
                await RawRequest.answers(port: emulator.port, path: "/v1/models/alice/demo", token: Users.alice, timeout: .seconds(120))
            }
            let route = "/v1/models/{owner}/{name}"
            var stats = try await withClient(port: emulator.port) { try await $0.stats() }
            let end = ContinuousClock.now + .seconds(60)
            while stats.count(method: "GET", route: route, status: 0) < 1, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(50))
                stats = try await withClient(port: emulator.port) { try await $0.stats() }
            }
            return (stats, request)
        }
        #expect(stats.count(method: "GET", route: "/v1/models/{owner}/{name}", status: 0) == 1)
        #expect(await request.value == false, "held without an answer until the shutdown closed it")
    }
}
