import Applier
import Foundation
import Planner

/// Where `apply` writes what. In text form everything a person reads goes to stdout; in JSON form
/// stdout carries only the JSON document and the rest goes to stderr.
struct ApplyOutput: Sendable {
    let format: ApplyOutputFormat

    /// Shows the plan: as text, or as the JSON plan when it is the result (a dry run).
    func showPlan(_ plan: Plan, asResult: Bool) {
        switch format {
        case .text:
            let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            Self.write(TextRenderer.render(plan, colour: colour), to: .standardOutput)
        case .json:
            if asResult, let json = try? PlanFormat.json.render(plan) {
                Self.write(json, to: .standardOutput)
            } else {
                Self.write(TextRenderer.render(plan, colour: false), to: .standardError)
            }
        }
    }

    /// A line for people.
    func note(_ line: String) {
        Self.write(line + "\n", to: format == .text ? .standardOutput : .standardError)
    }

    /// Asks on the terminal; only `yes` goes ahead.
    func confirm() -> Bool {
        Self.write("\nApply these changes to WriftAI? Only 'yes' is accepted: ", to: .standardError)
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    /// The summary (text) or the results (JSON), then every failure once more on stderr.
    func finish(_ result: ApplyResult, nothingToDo: Bool) {
        switch format {
        case .text:
            if nothingToDo {
                note("Nothing to apply.")
            } else {
                note(result.summary.line)
            }
        case .json:
            if let json = try? result.encodedJSON() {
                Self.write(String(decoding: json, as: UTF8.self), to: .standardOutput)
            }
        }
        if result.summary.skipped > 0 {
            let count = result.summary.skipped
            Self.write(
                "\(count) change\(count == 1 ? " was" : "s were") skipped after a failure in the same model; "
                    + "run apply again once the failure is resolved.\n",
                to: .standardError
            )
        }
        let failures = result.failures
        if !failures.isEmpty {
            var text = "error: \(failures.count) change\(failures.count == 1 ? "" : "s") failed:\n"
            for failure in failures { text += "  " + ApplyText.line(failure) + "\n" }
            Self.write(text, to: .standardError)
        }
    }

    /// Unbuffered writes, so stdout and stderr lines keep their order on a shared terminal.
    static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}
