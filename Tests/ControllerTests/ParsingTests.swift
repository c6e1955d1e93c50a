import Controller
import Foundation
import Testing

@Suite struct ParsingTests {
    @Test func durationsTakeMillisecondsSecondsMinutesAndHours() {
        #expect(DurationText.parse("200ms") == .milliseconds(200))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("1h") == .seconds(3600))
        #expect(DurationText.parse("1.5h") == .seconds(5400))
        #expect(DurationText.parse("1ms") == .milliseconds(1))
        #expect(DurationText.parse("8760h") == .seconds(365 * 86_400))
        // Beyond a year the nanoseconds overflowed an Int64 and trapped; below a millisecond a duration rounded
        // to nothing made a busy loop.
        for bad in ["", "5", "m", "-5m", "0s", "5d", "five minutes", "1hm", "1e300s", "8761h", "0.0000001ms", "0.5ms", "nans", "infm"] {
            #expect(DurationText.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func jitterIsAPercentageOrAFraction() {
        #expect(DurationText.parseFraction("10%") == 0.1)
        #expect(DurationText.parseFraction("0%") == 0)
        #expect(DurationText.parseFraction("0.25") == 0.25)
        #expect(DurationText.parseFraction("150%") == nil)
        #expect(DurationText.parseFraction("-1%") == nil)
        #expect(DurationText.parseFraction("ten") == nil)
    }

    @Test func backoffDoublesUpToTheInterval() {
        let schedule = Schedule(interval: .seconds(10), jitter: 0, driftInterval: .seconds(60), initialBackoff: .seconds(1))
        #expect((1...6).map { schedule.backoff(afterFailures: $0) } == [1, 2, 4, 8, 10, 10].map { Duration.seconds($0) })
        #expect(schedule.backoff(afterFailures: 500) == .seconds(10))
    }

    @Test func jitterStaysWithinItsFraction() {
        let schedule = Schedule(interval: .seconds(100), jitter: 0.1, driftInterval: .seconds(600))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let delay = schedule.jittered(using: &generator)
            #expect(delay >= .seconds(90) && delay <= .seconds(110))
        }
        let exact = Schedule(interval: .seconds(100), jitter: 0, driftInterval: .seconds(600))
        #expect(exact.jittered(using: &generator) == .seconds(100))
    }

    @Test func webhookSignaturesFollowGitHubsFormat() {
        // GitHub's documented example.
        let secret = Array("It's a Secret to Everybody".utf8)
        let body = Array("Hello, World!".utf8)
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookSignature.sign(body, secret: secret) == expected)
        #expect(WebhookSignature.isValid(expected, body: body, secret: secret))
        #expect(!WebhookSignature.isValid(expected, body: Array("Hello, World?".utf8), secret: secret))
        #expect(!WebhookSignature.isValid(expected, body: body, secret: Array("other".utf8)))
        #expect(!WebhookSignature.isValid(nil, body: body, secret: secret))
        #expect(!WebhookSignature.isValid(String(expected.dropFirst(7)), body: body, secret: secret), "the sha256= prefix is required")
        #expect(!WebhookSignature.isValid("sha256=zz", body: body, secret: secret))
        #expect(!WebhookSignature.isValid(String(expected.dropLast(2)), body: body, secret: secret))
    }

    @Test func theCacheLockRefusesASecondHolderUntilReleased() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first: CacheLock? = try CacheLock(directory: directory)
        #expect(first?.path.hasSuffix("/run.lock") == true)
        let refused = #expect(throws: CacheLock.Failure.self) { try CacheLock(directory: directory) }
        #expect(refused?.description.contains("another wriftsync reconciler is running on this cache") == true)
        first = nil
        let second = try CacheLock(directory: directory)
        #expect(second.path.hasSuffix("/run.lock"))
    }
}
