import JSONSchema
import WriftAIModels

/// Whether a smoke check passed, and if not, why, in words that name the prediction.
public enum SmokeVerdict: Sendable, Equatable {
    /// The prediction succeeded within the time limit, with the expected output (or one that satisfies
    /// the output schema).
    case passed
    /// Why it did not, e.g. `prediction 3f2a… ended failed: CUDA out of memory` or
    /// `prediction 3f2a…'s output does not match the output schema: /score: 1.4 is more than the maximum 1`.
    case failed(String)
}

extension SmokeCheck {
    /// Judges this check by its prediction as last seen, `elapsed` after it was created: it passes when
    /// the prediction succeeded within ``timeLimit`` and its output equals ``expectedOutput`` (compared as
    /// JSON values) or, without one, satisfies `outputSchema`.
    public func verdict(for prediction: Prediction, elapsed: Duration, outputSchema: JSONSchemaValidator) -> SmokeVerdict {
        let name = "prediction \(prediction.id)"
        guard prediction.status.isTerminal else {
            return .failed("\(name) did not finish within \(Self.seconds(timeLimit)) (max_seconds); it was still \(prediction.status)")
        }
        guard prediction.status == .succeeded else {
            let error = prediction.error.map { ": \($0.message) (\($0.source) error)" } ?? ""
            return .failed("\(name) ended \(prediction.status)\(error)")
        }
        // Succeeded and failed at once is no success: the error is taken at its word.
        if let error = prediction.error {
            return .failed("\(name) ended succeeded, but with an error: \(error.message) (\(error.source) error)")
        }
        guard elapsed <= timeLimit else {
            return .failed("\(name) took \(Self.seconds(elapsed)), more than its \(Self.seconds(timeLimit)) (max_seconds)")
        }
        let output = prediction.output ?? .null
        if let expectedOutput {
            guard output == expectedOutput else {
                return .failed("\(name)'s output differs from expect_output: expected \(expectedOutput.quoted(limit: 80)), found \(output.quoted(limit: 80))")
            }
            return .passed
        }
        let violations = outputSchema.validate(output)
        guard let first = violations.first else { return .passed }
        let more = violations.count > 1 ? " (and \(violations.count - 1) more)" : ""
        return .failed("\(name)'s output does not match the output schema: \(first.shortened)\(more)")
    }

    /// `12 s`, `1.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
    }
}
