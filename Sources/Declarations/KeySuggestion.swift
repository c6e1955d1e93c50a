/// "Did you mean" for unknown keys (and the CLI's unknown commands): the closest allowed key within a small
/// edit distance.
public enum KeySuggestion {
    /// The candidate closest to `key` (case and `-`/`_` aside), if one is within 2 or 3 edits.
    public static func closest(to key: String, among candidates: [String]) -> String? {
        let lowered = key.lowercased().replacingOccurrences(of: "-", with: "_")
        // The distance is at least the difference in length, and no suggestion is made beyond 3: skipping
        // those keeps a long (hostile) key from costing its length times every candidate's.
        let length = lowered.count
        let scored = candidates.filter { abs($0.count - length) <= 3 }.map { ($0, distance(lowered, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(2, min(3, best.0.count / 3))
        return best.1 <= allowed ? best.0 : nil
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
