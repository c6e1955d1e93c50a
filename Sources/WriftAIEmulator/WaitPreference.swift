import Foundation

/// The `wait` preference of a `Prefer` header (RFC 7240): `Prefer: wait` holds the answer until the
/// prediction ends (up to the emulator's maximum), `Prefer: wait=SECONDS` at most that long.
/// Preferences it does not understand are ignored, as the RFC says.
enum WaitPreference: Equatable {
    /// Hold the answer as long as the server allows.
    case untilDone
    /// Hold the answer at most this many seconds.
    case seconds(Double)

    /// The wait preference among the `Prefer` header values, or `nil` when there is none (or it is not a
    /// usable number).
    static func parse(_ values: [String]) -> WaitPreference? {
        for value in values {
            for preference in value.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                let parts = preference.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.first?.lowercased() == "wait" else { continue }
                guard parts.count == 2 else { return .untilDone }
                let text = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
                return .seconds(seconds)
            }
        }
        return nil
    }
}
