import Foundation

/// `--since` and `?since=`: an instant (`2026-11-30T08:00:00Z`, with or without the zone; `2026-11-30`,
/// midnight UTC) or an age before now (`90s`, `30m`, `24h`, `7d`).
public enum HistoryTime {
    /// The instant `text` names, or `nil`.
    public static func parse(_ text: String, now: Date) -> Date? {
        let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast()), value.isFinite, value >= 0 { return now.addingTimeInterval(-value * seconds) }
        }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return date }
        let local = ISO8601DateFormatter()
        local.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        if let date = local.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        return day.date(from: text)
    }
}
