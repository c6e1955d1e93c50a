/// How ``WriftAIClient/createPrediction(_:input:options:)`` asks for a prediction.
public struct PredictionOptions: Sendable, Equatable {
    /// How long the server may hold the answer until the prediction ends (`Prefer: wait=SECONDS`, in
    /// whole seconds, at least 1); `nil` asks for the answer at once. Capped at three quarters of the
    /// client's request timeout, so that the request itself never times out while the server waits.
    public var wait: Duration?
    /// Whether the server checks the input against the version's input schema first
    /// (`Validate-Input: true`), answering 422 without running anything when it does not match.
    public var validateInput: Bool
    /// How many times a create is sent again after a send whose outcome is unknown (a 5xx, a lost
    /// connection, a timeout): such a send may have created a prediction, so resending may run the
    /// model twice. A second run changes nothing but costs a prediction, while giving up at once would
    /// fail a release gate on one lost answer; so the default is one resend. Refusals (429) are
    /// resent as any request is, since the server did not act on them.
    public var resendsAfterUnknownOutcome: Int

    /// Creates options; by default the answer is held for up to 60 s, the input is validated, and a
    /// send with an unknown outcome is resent once.
    public init(wait: Duration? = .seconds(60), validateInput: Bool = true, resendsAfterUnknownOutcome: Int = 1) {
        self.wait = wait
        self.validateInput = validateInput
        self.resendsAfterUnknownOutcome = resendsAfterUnknownOutcome
    }
}

/// How ``WriftAIPredictionReading/waitForPrediction(_:deadline:polling:)`` polls: after each answer
/// that is not terminal it waits, starting at ``initialInterval`` and growing by ``multiplier`` up to
/// ``maxInterval``, never past the deadline.
public struct PredictionPolling: Sendable, Equatable {
    /// The wait after the first answer that is not terminal.
    public var initialInterval: Duration
    /// The factor by which each wait grows.
    public var multiplier: Double
    /// The longest wait between two polls.
    public var maxInterval: Duration

    /// Creates a policy; the defaults poll after 0.25 s, then 1.5 times longer each time up to 2 s
    /// (so a prediction of a minute takes about 35 polls, at the pacer's rate like any request).
    public init(initialInterval: Duration = .milliseconds(250), multiplier: Double = 1.5, maxInterval: Duration = .seconds(2)) {
        self.initialInterval = initialInterval
        self.multiplier = max(1, multiplier)
        self.maxInterval = maxInterval
    }

    /// The wait after `polls` answers that were not terminal (1 for the first).
    public func interval(after polls: Int) -> Duration {
        var interval = initialInterval
        for _ in 1..<max(polls, 1) {
            interval = interval * multiplier
            if interval >= maxInterval { return maxInterval }
        }
        return min(interval, maxInterval)
    }
}
