import Foundation
import WriftAIModels

/// A prediction as the emulator keeps it: what was asked, when, and how it will end. Its status is not
/// stored but follows from the time (``PredictionTimeline``).
struct PredictionRecord: Sendable {
    /// How the prediction ends, decided when it is created.
    enum Outcome: Sendable {
        case succeeded(output: JSONValue)
        case failed(PredictionError)
    }

    var id: String
    var owner: String
    var name: String
    var versionNumber: Int
    /// The user who created it; nobody else may read it.
    var user: String
    var input: JSONValue
    /// When it was created, on the emulator's clock (``EmulatorClock/instant()``).
    var created: Duration
    var createdAt: Date
    var duration: Duration
    var outcome: Outcome

    /// How long until it ends, seen at `now`.
    func remaining(at now: Duration) -> Duration {
        max(.zero, duration - (now - created))
    }

    /// The API's view of the prediction at `now`.
    func view(at now: Duration) -> Prediction {
        let phase = PredictionTimeline.phase(elapsed: now - created, total: duration)
        let changed = PredictionTimeline.start(of: phase, total: duration)
        var prediction = Prediction(
            id: id,
            status: .pending,
            model: .init(owner: owner, name: name, versionNumber: versionNumber),
            input: input,
            output: nil,
            error: nil,
            createdAt: Timestamp.string(from: createdAt),
            updatedAt: Timestamp.string(from: createdAt.addingTimeInterval(Self.seconds(changed))),
            stream: false
        )
        switch phase {
        case .pending: prediction.status = .pending
        case .starting: prediction.status = .starting
        case .started, .ended: prediction.status = .started
        }
        if phase >= .started {
            let setup = PredictionTimeline.start(of: .started, total: duration) - PredictionTimeline.start(of: .starting, total: duration)
            prediction.setupTime = Self.text(setup)
        }
        if phase == .ended {
            prediction.executionTime = Self.text(duration - PredictionTimeline.start(of: .started, total: duration))
            switch outcome {
            case .succeeded(let output):
                prediction.status = .succeeded
                prediction.output = output
            case .failed(let error):
                prediction.status = .failed
                prediction.error = error
            }
        }
        return prediction
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Seconds with millisecond precision, e.g. `0.050`.
    private static func text(_ duration: Duration) -> String {
        String(format: "%.3f", seconds(duration))
    }
}
