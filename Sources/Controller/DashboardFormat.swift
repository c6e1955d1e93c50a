import Foundation

/// How the status page writes times, durations and digests.
enum DashboardFormat {
    /// `2026-05-01 12:34:56 UTC`.
    static func timestamp(_ date: Date) -> String {
        let c = parts(date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// `12:34 UTC`.
    static func clock(_ date: Date) -> String {
        let c = parts(date)
        return String(format: "%02d:%02d UTC", c.hour, c.minute)
    }

    /// ISO 8601, for `<time datetime>`.
    static func iso(_ date: Date) -> String {
        let c = parts(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private static func parts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return (c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `3 min ago`, `in 4 min`, `just now`.
    static func relative(_ date: Date, now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        let amount = span(abs(seconds))
        if abs(seconds) < 1 { return "just now" }
        return seconds < 0 ? "\(amount) ago" : "in \(amount)"
    }

    /// `45 s`, `3 min`, `2 h 5 min`, `3 d`.
    static func span(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min" }
        if whole < 86400 { return whole % 3600 / 60 == 0 ? "\(whole / 3600) h" : "\(whole / 3600) h \(whole % 3600 / 60) min" }
        return "\(whole / 86400) d"
    }

    /// `<time>` with the absolute time and, after it, how long ago (or in how long).
    static func time(_ date: Date, now: Date) -> HTML {
        "<time datetime=\"\(iso(date))\" title=\"\(timestamp(date))\">\(relative(date, now: now))</time>"
    }

    /// `sha256:7a2c3d2e9f8a` — the algorithm and 12 digits, enough to tell versions apart at a glance.
    static func shortDigest(_ digest: String) -> String {
        guard let colon = digest.firstIndex(of: ":") else { return String(digest.prefix(19)) }
        return String(digest[...colon]) + digest[digest.index(after: colon)...].prefix(12)
    }

    /// The first 12 digits of a commit id.
    static func shortCommit(_ commit: String) -> String {
        String(commit.prefix(12))
    }

    /// A duration in seconds for people: `0.4 s`, `12 s`, `3 min`.
    static func duration(_ seconds: Double) -> String {
        seconds < 10 ? String(format: "%.1f s", seconds) : span(seconds)
    }
}
