import Synchronization

/// Fixed one-second windows per caller, aligned to Unix seconds.
final class RateLimiter: Sendable {
    struct Decision: Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Unix time (seconds) when the current window ends.
        var reset: Int
    }

    private struct Window {
        var second: Int
        var count: Int
    }

    private let windows = Mutex([String: Window]())

    /// Counts one request by `key` at `now` (Unix seconds) against `limit` per second.
    func admit(key: String, limit: Int, now: Double) -> Decision {
        let second = Int(now.rounded(.down))
        return windows.withLock { windows in
            // Forget callers idle since an earlier window so the table stays small.
            if windows.count > 1024 {
                windows = windows.filter { $0.value.second == second }
            }
            var window = windows[key] ?? Window(second: second, count: 0)
            if window.second != second {
                window = Window(second: second, count: 0)
            }
            window.count += 1
            windows[key] = window
            return Decision(
                allowed: window.count <= limit,
                limit: limit,
                remaining: max(0, limit - window.count),
                reset: second + 1
            )
        }
    }
}
