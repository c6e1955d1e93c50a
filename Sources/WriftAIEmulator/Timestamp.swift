import Foundation

/// The API's timestamps: ISO 8601, UTC, with milliseconds (`2026-05-28T20:26:40.500Z`). Always 24 characters
/// for years 1000–9999, so two of them order as text as they do in time.
enum Timestamp {
    /// The time now on `clock`.
    static func now(_ clock: EmulatorClock) -> String {
        string(from: clock.now())
    }

    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
