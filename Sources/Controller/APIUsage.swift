import Foundation
import Synchronization

/// The WriftAI API requests of the last hour, per minute and by outcome, for the status page's chart.
/// Bounded: 60 one-minute buckets, reused as the minutes pass. Fed by the client's request counter through
/// ``ControllerMetrics/factory``.
public final class APIUsage: Sendable {
    /// How a request ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// A 2xx answer.
        case success = "2xx"
        /// A 4xx answer other than 429.
        case clientError = "4xx"
        /// A 429: the rate limit was hit.
        case rateLimited = "429"
        /// A 5xx answer.
        case serverError = "5xx"
        /// No answer: a timeout or a connection error.
        case noAnswer = "no answer"

        /// The outcome of a `code` label of `wriftsync_api_requests_total` (`200`, `429`, `timeout`, `error`).
        public init(code: String) {
            switch Int(code) {
            case .some(200..<300): self = .success
            case .some(429): self = .rateLimited
            case .some(400..<500): self = .clientError
            case .some(500..<600): self = .serverError
            // 1xx and 3xx never end a request here; count them with the failures to reach the server.
            default: self = .noAnswer
            }
        }
    }

    /// The requests of one minute.
    public struct Minute: Sendable, Equatable {
        /// When the minute starts.
        public var start: Date
        /// Requests by outcome (absent: none).
        public var counts: [Outcome: Int]

        /// All requests of the minute.
        public var total: Int { counts.values.reduce(0, +) }

        /// Requests with `outcome`.
        public subscript(outcome: Outcome) -> Int { counts[outcome] ?? 0 }
    }

    /// Minutes kept: an hour.
    public static let minutes = 60

    private struct Bucket {
        var minute = Int.min
        var counts = [Int](repeating: 0, count: Outcome.allCases.count)
    }

    private let buckets: Mutex<[Bucket]>
    private let now: @Sendable () -> Date

    /// An empty record; `now` is the clock (tests give their own).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        buckets = Mutex([Bucket](repeating: Bucket(), count: Self.minutes))
    }

    /// Counts `count` requests that ended with `outcome`, now.
    public func record(_ outcome: Outcome, count: Int = 1) {
        let minute = Self.minute(of: now())
        let index = Outcome.allCases.firstIndex(of: outcome)!
        buckets.withLock { buckets in
            let slot = Self.slot(minute)
            if buckets[slot].minute != minute { buckets[slot] = Bucket(minute: minute) }
            buckets[slot].counts[index] += count
        }
    }

    /// The last 60 minutes, oldest first, the current one last (minutes without requests included).
    public func lastHour() -> [Minute] {
        let current = Self.minute(of: now())
        return buckets.withLock { buckets in
            ((current - Self.minutes + 1)...current).map { minute in
                let bucket = buckets[Self.slot(minute)]
                var counts: [Outcome: Int] = [:]
                if bucket.minute == minute {
                    for (index, outcome) in Outcome.allCases.enumerated() where bucket.counts[index] > 0 {
                        counts[outcome] = bucket.counts[index]
                    }
                }
                return Minute(start: Date(timeIntervalSince1970: Double(minute) * 60), counts: counts)
            }
        }
    }

    private static func minute(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    private static func slot(_ minute: Int) -> Int {
        ((minute % minutes) + minutes) % minutes
    }
}
