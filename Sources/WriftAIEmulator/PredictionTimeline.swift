/// The life of an emulated prediction over its duration: `pending` for the first quarter, `starting`
/// for the second, `started` for the second half, then its terminal status.
enum PredictionTimeline {
    enum Phase: Int, Comparable {
        case pending, starting, started, ended

        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The phase `elapsed` after creation, for a prediction that takes `total`.
    static func phase(elapsed: Duration, total: Duration) -> Phase {
        if elapsed >= total { return .ended }
        if elapsed >= start(of: .started, total: total) { return .started }
        if elapsed >= start(of: .starting, total: total) { return .starting }
        return .pending
    }

    /// When `phase` begins, from the creation.
    static func start(of phase: Phase, total: Duration) -> Duration {
        switch phase {
        case .pending: .zero
        case .starting: total / 4
        case .started: total / 2
        case .ended: total
        }
    }
}
