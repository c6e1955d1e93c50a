import Applier
import Declarations
import Foundation
import JSONSchema
import Logging
import Planner
import WriftAI
import WriftAIModels

/// The release gate through the API: each smoke test is a prediction pinned to the new version (`Prefer:
/// wait`, then polls until it ends or its time is up), judged by its status, time and output; the outcome
/// is kept in a ``ReleaseGateStore`` so that a stopped apply tests the version next time and a failed digest
/// is not created again.
public struct SmokeGate: ReleaseGate {
    /// The client predictions go through (the same pacer as everything else).
    public let client: WriftAIClient
    /// Where pending tests and quarantines are kept.
    public let store: ReleaseGateStore
    /// The longest any one test may take, whatever its `max_seconds` (`--smoke-timeout`).
    public let timeout: Duration
    /// How polls are spaced.
    public var polling = PredictionPolling()
    let logger: Logger

    /// Creates a gate.
    public init(client: WriftAIClient, store: ReleaseGateStore, timeout: Duration = .seconds(300), logger: Logger = Logger(label: "wriftsync.gate")) {
        self.client = client
        self.store = store
        self.timeout = timeout
        self.logger = logger
    }

    public func willCreate(_ change: PlannedChange) async -> String? {
        do {
            guard let quarantine = try store.recordPending(entry(change, status: .pending, reason: nil)) else { return nil }
            return "\(change.digest.short()) was quarantined after the plan was made: its smoke tests failed "
                + "(\(quarantine.reason ?? "no reason recorded")); make a new plan"
        } catch {
            return "the release gate cannot record it before testing it: \(error)"
        }
    }

    public func test(_ change: PlannedChange, number: Int) async -> GateFailure? {
        guard let tests = change.gate?.tests, let name = tests.first?.name else { return nil }
        let id = change.model
        // The output schema the version was created with; a test of a version created earlier has none in
        // its change, so the version's own details say it.
        var output: JSONValue?
        if case let .create(creation) = change { output = creation.request.schemas.prediction.output }
        if output == nil {
            do {
                output = try await client.version(id, number: number).schemas.prediction.output
            } catch {
                return GateFailure(test: name, reason: "reading #\(number)'s output schema failed: \(error)", undetermined: Self.isUndetermined(error))
            }
        }
        let validator: JSONSchemaValidator
        do {
            validator = try JSONSchemaValidator(output ?? .object([:]))
        } catch {
            return GateFailure(test: name, reason: "the output schema cannot be used to check outputs: \(error)")
        }
        guard let version = try? VersionID(model: id, number: number) else {
            return GateFailure(test: name, reason: "#\(number) is not a version number the API accepts")
        }
        for test in tests {
            if let failure = await run(test, version: version, outputSchema: validator) {
                return failure
            }
        }
        return nil
    }

    public func passed(_ change: PlannedChange) async {
        do {
            try store.forget(model: change.model, digest: change.digest)
        } catch {
            logger.error("the release gate cannot record a pass", metadata: ["error": "\(error)"])
        }
    }

    public func failed(_ change: PlannedChange, number: Int, failure: GateFailure, rolledBack: Bool) async -> String? {
        do {
            var quarantine = entry(change, status: .quarantined, reason: failure.description)
            quarantine.number = number
            try store.record(quarantine)
            return nil
        } catch {
            logger.error("the release gate cannot record a quarantine", metadata: ["model": "\(change.model)", "error": "\(error)"])
            return "\(error)"
        }
    }

    /// One test: the prediction, then the verdict.
    func run(_ test: SmokeTest, version: VersionID, outputSchema: JSONSchemaValidator) async -> GateFailure? {
        let limit = Self.limit(maxSeconds: test.maxSeconds, timeout: timeout)
        let check = SmokeCheck(origin: .version(index: 0), input: test.input, timeLimit: limit, expectedOutput: test.expectOutput,
                               location: SourceLocation(file: "", line: 0, column: 0))
        let clock = ContinuousClock()
        let started = clock.now
        let prediction: Prediction
        do {
            prediction = try await client.runPrediction(version, input: test.input, deadline: started + limit, polling: polling)
        } catch {
            let undetermined = Self.isUndetermined(error)
            return GateFailure(test: test.name, reason: undetermined ? "\(error)" : "the prediction could not be run: \(error)", undetermined: undetermined)
        }
        switch check.verdict(for: prediction, elapsed: Self.elapsed(of: prediction, seen: clock.now - started), outputSchema: outputSchema) {
        case .passed: return nil
        case let .failed(reason): return GateFailure(test: test.name, reason: reason)
        }
    }

    /// How long one test may take: its `max_seconds`, at most `timeout`, and `timeout` for a value that is not a
    /// positive number. A saved plan's `max_seconds` is read as given, so it is bounded by the timeout before it
    /// becomes a duration: a huge one overflowed the milliseconds and trapped, after the version was created.
    static func limit(maxSeconds: Double, timeout: Duration) -> Duration {
        let timeoutSeconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let seconds = maxSeconds.isFinite && maxSeconds > 0 ? min(maxSeconds, timeoutSeconds) : timeoutSeconds
        return min(Duration.milliseconds(Int64((seconds * 1000).rounded(.up))), timeout)
    }

    /// How long `prediction` took: by the server's own account when it gives one (from `created_at` to the
    /// `updated_at` of its end), at most `seen`, the time from before its create to the answer that showed its
    /// end. `seen` alone counts this process's pacing and the poll after the end: a prediction ending within
    /// the last poll's interval was judged too slow, then rolled back and its image quarantined.
    static func elapsed(of prediction: Prediction, seen: Duration) -> Duration {
        guard prediction.status.isTerminal, let created = WireTime.iso8601(prediction.createdAt),
            let ended = prediction.updatedAt.flatMap(WireTime.iso8601), ended >= created
        else { return seen }
        let own = Duration.milliseconds(Int64(((ended - created) * 1000).rounded(.up)))
        return min(own, seen)
    }

    /// Whether `error`, ending a test before its verdict, says nothing of the version and may pass: the API
    /// failing (`5xx`), a rate limit, the network, a timeout, the deadline, a prediction whose create has an
    /// unknown outcome, or a poll not finding the prediction it started. Rolling a version back for those
    /// deleted healthy versions and quarantined their images. Anything else ends the test as a failure, as a
    /// verdict would: it would not go away by itself (a refused input, a token that may not run predictions,
    /// an answer that cannot be read — the prediction's output among them), and a version kept untested for
    /// it would stay the latest, untested, for good.
    static func isUndetermined(_ error: WriftAIError) -> Bool {
        switch error {
        case .server, .rateLimited, .transport, .timeout, .hostNotFound, .deadlineExceeded, .predictionOutcomeUnknown, .cancelled: true
        case .notFound(let context): context.method == "GET" && context.path.contains("/predictions/")
        default: false
        }
    }

    private func entry(_ change: PlannedChange, status: ReleaseGateStore.Entry.Status, reason: String?) -> ReleaseGateStore.Entry {
        ReleaseGateStore.Entry(
            model: change.model, digest: change.digest, fingerprint: change.gate?.fingerprint ?? "",
            status: status, reason: reason, at: ISO8601DateFormatter().string(from: Date())
        )
    }
}
