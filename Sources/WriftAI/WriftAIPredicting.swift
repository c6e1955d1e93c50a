import WriftAIModels

/// Reading predictions: ``ReadOnlyWriftAIClient`` has it, so a dry run can look at a prediction but
/// never start one.
public protocol WriftAIPredictionReading: Sendable {
    /// The prediction `id` names, as it is now.
    func prediction(_ id: PredictionID) async throws(WriftAIError) -> Prediction
}

/// Starting predictions, an action with effects (it runs a model and counts against the rate limit):
/// only ``WriftAIClient`` has it, never the read-only client.
public protocol WriftAIPredictionWriting: WriftAIPredictionReading {
    /// Creates a prediction pinned to `version` on `input`.
    func createPrediction(_ version: VersionID, input: JSONValue, options: PredictionOptions) async throws(WriftAIError)
        -> Prediction
}

extension WriftAIPredictionReading {
    /// Polls `id` until it is terminal or `deadline` passes, waiting between polls as `polling` says.
    ///
    /// - Returns: The last state seen: terminal, or not terminal when the deadline passed first (check
    ///   `status.isTerminal`). At least one poll is made, even past the deadline.
    /// - Throws: The error of a poll that failed after its retries; ``WriftAIError/cancelled(_:)`` when
    ///   the task is cancelled while waiting.
    public func waitForPrediction(
        _ id: PredictionID,
        deadline: ContinuousClock.Instant,
        polling: PredictionPolling = PredictionPolling()
    ) async throws(WriftAIError) -> Prediction {
        try await waitForPrediction(id, deadline: deadline, clock: ContinuousClock(), polling: polling)
    }

    /// ``waitForPrediction(_:deadline:polling:)`` on the time of `clock`.
    public func waitForPrediction<C: Clock>(
        _ id: PredictionID,
        deadline: C.Instant,
        clock: C,
        polling: PredictionPolling = PredictionPolling()
    ) async throws(WriftAIError) -> Prediction where C.Duration == Duration {
        var polls = 0
        while true {
            let current = try await prediction(id)
            polls += 1
            let left = clock.now.duration(to: deadline)
            if current.status.isTerminal || left <= .zero { return current }
            do {
                try await clock.sleep(for: min(polling.interval(after: polls), left))
            } catch {
                throw .cancelled(WriftAIError.Context(method: "GET", path: "/predictions/\(id)"))
            }
        }
    }
}

extension WriftAIPredictionWriting {
    /// Creates a prediction pinned to `version` and waits for its end until `deadline`: the create asks
    /// the server to hold its answer (`Prefer: wait`) for the time left, then polls if it is not over.
    ///
    /// - Returns: The last state seen: terminal, or not terminal when the deadline passed first.
    public func runPrediction(
        _ version: VersionID,
        input: JSONValue,
        deadline: ContinuousClock.Instant,
        validateInput: Bool = true,
        polling: PredictionPolling = PredictionPolling()
    ) async throws(WriftAIError) -> Prediction {
        let left = ContinuousClock.now.duration(to: deadline)
        let options = PredictionOptions(wait: left > .seconds(1) ? left : nil, validateInput: validateInput)
        let created = try await createPrediction(version, input: input, options: options)
        guard !created.status.isTerminal, ContinuousClock.now < deadline else { return created }
        let id: PredictionID
        do {
            id = try PredictionID(created.id)
        } catch {
            // createPrediction has checked it; a conformer that did not answers as the API would have.
            throw .decoding(WriftAIError.Context(method: "POST", path: "/predictions"), reason: error.description)
        }
        return try await waitForPrediction(id, deadline: deadline, polling: polling)
    }
}
