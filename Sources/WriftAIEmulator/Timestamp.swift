import Foundation

/// The API's timestamps: ISO 8601, UTC, with milliseconds.
enum Timestamp {
    static func now() -> String {
        string(from: Date())
    }

    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
