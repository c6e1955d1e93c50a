import Foundation

/// What one answer's `x-ratelimit-*` headers said about the caller's current rate-limit window.
struct RateLimitObservation: Sendable, Equatable {
    /// Requests allowed per window.
    var limit: Int?
    /// Requests left in the window when the server counted this one.
    var remaining: Int?
    /// When the window ends, as Unix time in seconds.
    var reset: Double?
    /// Whether the answer was a 429.
    var wasRateLimited: Bool

    /// Reads the headers; `lookup` returns a header's first value. `now` is the current Unix time, used
    /// when a server gives `x-ratelimit-reset` (or `retry-after`) as seconds from now rather than a time.
    init(status: Int, now: Double, lookup: (String) -> String?) {
        limit = lookup("x-ratelimit-limit").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        remaining = lookup("x-ratelimit-remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if let value = lookup("x-ratelimit-reset").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
            // Small values are a delay in seconds, large ones a Unix time.
            reset = value < 1_000_000_000 ? now + value : value
        } else if status == 429, let retryAfter = lookup("retry-after")?.trimmingCharacters(in: .whitespaces) {
            // RFC 9110: delay-seconds or an HTTP-date.
            if let delay = Double(retryAfter), delay.isFinite, delay >= 0 {
                reset = now + delay
            } else if let date = Self.httpDate(retryAfter) {
                reset = date
            }
        }
        wasRateLimited = status == 429
    }

    /// The Unix time of an HTTP-date (RFC 9110 §5.6.7): the preferred IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 and asctime forms.
    static func httpDate(_ text: String) -> Double? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        return nil
    }

    /// Creates an observation from known values.
    init(limit: Int?, remaining: Int?, reset: Double?, wasRateLimited: Bool = false) {
        self.limit = limit
        self.remaining = remaining
        self.reset = reset
        self.wasRateLimited = wasRateLimited
    }

    /// Whether the answer carried any rate-limit information.
    var isEmpty: Bool { limit == nil && remaining == nil && reset == nil && !wasRateLimited }
}
