/// Durations as the command line writes them: `200ms`, `30s`, `5m`, `1h`, `1.5h`.
public enum DurationText {
    /// The shortest duration taken, in seconds: a millisecond.
    public static let shortest = 0.001
    /// The longest duration taken, in seconds: a year.
    public static let longest = 365.0 * 86_400

    /// The duration `text` names, or `nil` when it is not a positive number followed by `ms`, `s`, `m` or `h`,
    /// from ``shortest`` to ``longest``.
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // `5ms` also ends in `s`: the first matching suffix wins, and a leftover letter is not a number.
            guard let value = Double(number), value.isFinite, value > 0 else { continue }
            // From a millisecond to a year: beyond, the nanoseconds overflowed and trapped; below, a duration
            // rounded to nothing turned the loop into a busy one.
            let seconds = value * unit.seconds
            guard seconds >= Self.shortest, seconds <= Self.longest else { return nil }
            return .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
        return nil
    }

    /// A jitter fraction from `10%` (or a plain `0.1`), between 0 and 1; `nil` otherwise.
    public static func parseFraction(_ text: String) -> Double? {
        let value: Double?
        if text.hasSuffix("%") {
            value = Double(text.dropLast()).map { $0 / 100 }
        } else {
            value = Double(text)
        }
        guard let value, value >= 0, value <= 1 else { return nil }
        return value
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
