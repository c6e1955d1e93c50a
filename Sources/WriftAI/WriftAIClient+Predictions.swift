import WriftAIModels

extension WriftAIClient: WriftAIPredictionWriting {
    /// Creates a prediction pinned to `version` (`POST /predictions`), through the same pace, retries
    /// and error mapping as every request.
    ///
    /// A create is not resent blindly: a refusal (429) is resent after the reset, as any request; a send
    /// whose outcome is unknown (5xx, lost connection, timeout) may have started a prediction, so it is
    /// resent at most ``PredictionOptions/resendsAfterUnknownOutcome`` times (see there why), after which
    /// ``WriftAIError/predictionOutcomeUnknown(_:reason:)`` is thrown. A 2xx whose body is unusable is
    /// never resent: a prediction was started.
    ///
    /// The answer is checked before it is returned: its identifier must be a valid ``PredictionID`` and it
    /// must be pinned to `version`, else ``WriftAIError/decoding(_:reason:)``.
    public func createPrediction(
        _ version: VersionID,
        input: JSONValue,
        options: PredictionOptions = PredictionOptions()
    ) async throws(WriftAIError) -> Prediction {
        var headers: [(name: String, value: String)] = [("Validate-Input", options.validateInput ? "true" : "false")]
        if let wait = options.wait {
            headers.append(("Prefer", "wait=\(Self.waitSeconds(wait, requestTimeout: configuration.timeouts.request))"))
        }
        let endpoint = Endpoint.predictions(headers: headers)
        let body = try encode(CreatePredictionRequest(model: version.description, input: input, stream: false))
        var attempt = 1
        var resends = 0
        while true {
            let failure: WriftAIError
            do throws(WriftAIError) {
                let response = try await send(endpoint, body: body, attempt: attempt)
                // A 2xx started a prediction: an unusable answer is an error, never a reason to start another.
                let prediction = try decode(Prediction.self, from: response, endpoint: endpoint)
                try check(prediction, pinnedTo: version, endpoint: endpoint, status: response.status)
                return prediction
            } catch .decoding(let context, let reason) {
                throw .decoding(context, reason: reason)
            } catch {
                failure = error
            }
            // Giving up after a send whose outcome is unknown, whether for the resend limit or the retry
            // policy, says that a prediction may have been started.
            let unknown = Self.outcomeIsUnknown(failure)
            let givingUp = WriftAIError.predictionOutcomeUnknown(
                failure.context ?? WriftAIError.Context(method: "POST", path: basePath + endpoint.path),
                reason: "\(Self.unknownOutcome(failure)) on the last of \(attempt) sends (\(resends) of them resent after an "
                    + "unknown outcome); a prediction may have been started")
            if unknown, resends >= max(0, options.resendsAfterUnknownOutcome) { throw redact(givingUp) }
            let wait: Duration
            do throws(WriftAIError) {
                wait = try retryWait(after: failure, attempt: attempt, endpoint: endpoint)
            } catch {
                throw unknown ? redact(givingUp) : error
            }
            if unknown { resends += 1 }
            try await pause(wait, context: failure.context)
            attempt += 1
        }
    }

    /// The prediction `id` names (`GET /predictions/{id}`), retried like every read; an answer for
    /// another identifier is refused as ``WriftAIError/decoding(_:reason:)``.
    public func prediction(_ id: PredictionID) async throws(WriftAIError) -> Prediction {
        let endpoint = Endpoint.prediction(id)
        let response = try await sendWithRetries(endpoint)
        let prediction = try decode(Prediction.self, from: response, endpoint: endpoint)
        guard prediction.id == id.value else {
            throw redact(
                .decoding(
                    WriftAIError.Context(method: "GET", path: basePath + endpoint.path, status: response.status),
                    reason: "the answer is for prediction \(prediction.id.prefix(140)), not \(id)"))
        }
        return prediction
    }

    /// What made a send's outcome unknown, beyond the status and detail its context already tells.
    static func unknownOutcome(_ failure: WriftAIError) -> String {
        switch failure {
        case .transport(_, let reason): "the connection failed (\(reason))"
        case .timeout(_, let after): "no answer came within \(WriftAIError.seconds(after))"
        default: "the server failed"
        }
    }

    /// The `Prefer: wait` value: whole seconds, at least 1, at most three quarters of the request timeout.
    static func waitSeconds(_ wait: Duration, requestTimeout: Duration) -> Int {
        let cap = max(1, Int(RetryDecision.Reason.seconds(requestTimeout) * 0.75))
        let asked = Int(RetryDecision.Reason.seconds(wait).rounded(.down))
        return min(max(1, asked), cap)
    }

    /// Refuses an answer that the rest of a gate must not act on.
    private func check(_ prediction: Prediction, pinnedTo version: VersionID, endpoint: Endpoint, status: Int) throws(WriftAIError) {
        guard let problem = Self.problem(with: prediction, pinnedTo: version) else { return }
        throw redact(.decoding(WriftAIError.Context(method: "POST", path: basePath + endpoint.path, status: status), reason: problem))
    }

    /// What makes a create's answer unusable: an identifier that cannot be polled, or a prediction on
    /// another version than the one asked for; `nil` when it is usable.
    static func problem(with prediction: Prediction, pinnedTo version: VersionID) -> String? {
        do {
            _ = try PredictionID(prediction.id)
        } catch {
            return "the prediction's id is unusable: \(error)"
        }
        let model = prediction.model
        guard model.owner == version.model.owner, model.name == version.model.name, model.versionNumber == version.number else {
            return "the prediction runs on \(model.owner.prefix(100))/\(model.name.prefix(100)):\(model.versionNumber), not on \(version) as asked"
        }
        return nil
    }
}
