import Foundation

/// The API's timestamps: ISO 8601, UTC, with milliseconds.
enum Timestamp {
    /// The time now on `clock`.
    static func now(_ clock: EmulatorClock) -> String {
        string(from: clock.now())
    }

    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
