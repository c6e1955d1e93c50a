import Applier
import Foundation
import Planner

/// Where `apply` writes what. In text form everything a person reads goes to stdout; in JSON form
/// stdout carries only the JSON document and the rest goes to stderr.
///
/// Writes go out in the order they were asked for, from a queue of their own, so that the plan is rendered
/// and written while the first changes are sent (rendering 600 changes took 5 ms, all of it between the last
/// listing and the first create). Anything written to stdout or stderr some other way must ``flush()`` first.
struct ApplyOutput: Sendable {
    /// The two streams, named so that a queued write captures no file handle.
    enum Stream: Sendable {
        case standardOutput, standardError

        var handle: FileHandle {
            switch self {
            case .standardOutput: .standardOutput
            case .standardError: .standardError
            }
        }
    }

    let format: ApplyOutputFormat
    private let queue = DispatchQueue(label: "wriftsync.apply-output")

    init(format: ApplyOutputFormat) {
        self.format = format
    }

    /// Shows the plan: as text, or as the JSON plan when it is the result (a dry run). Rendered on a thread
    /// of its own at a lower priority, and written in its place in the queue: call ``flush()`` before anything
    /// that needs it on screen.
    func showPlan(_ plan: Plan, asResult: Bool) {
        let format = format
        let rendered = Rendered()
        Thread {
            lowerThisThreadsPriority()
            switch format {
            case .text:
                let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                rendered.set(TextRenderer.render(plan, colour: colour), for: .standardOutput)
            case .json:
                if asResult, let json = try? PlanFormat.json.render(plan) {
                    rendered.set(json, for: .standardOutput)
                } else {
                    rendered.set(TextRenderer.render(plan, colour: false), for: .standardError)
                }
            }
        }.start()
        queue.async {
            let (text, stream) = rendered.wait()
            Self.writeNow(text, to: stream)
        }
    }

    /// Text rendered on another thread, handed to the output queue once.
    private final class Rendered: @unchecked Sendable {
        private let ready = DispatchSemaphore(value: 0)
        // Written once before `ready` is signalled, read only after waiting for it.
        private var text = ""
        private var stream = Stream.standardOutput

        func set(_ text: String, for stream: Stream) {
            self.text = text
            self.stream = stream
            ready.signal()
        }

        func wait() -> (String, Stream) {
            ready.wait()
            return (text, stream)
        }
    }

    /// A line for people.
    func note(_ line: String) {
        write(line + "\n", to: format == .text ? .standardOutput : .standardError)
    }

    /// Queues `text` for `stream`, after everything queued before it.
    func write(_ text: String, to stream: Stream) {
        queue.async { Self.writeNow(text, to: stream) }
    }

    /// Returns once everything queued so far is written.
    func flush() {
        queue.sync {}
    }

    /// Asks on the terminal, once the plan is on it; only `yes` goes ahead.
    func confirm() -> Bool {
        flush()
        Self.writeNow("\nApply these changes to WriftAI? Only 'yes' is accepted: ", to: .standardError)
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
                write(String(decoding: json, as: UTF8.self), to: .standardOutput)
            }
        }
        if result.summary.skipped > 0 {
            let count = result.summary.skipped
            write(
                "\(count) change\(count == 1 ? " was" : "s were") skipped after a failure in the same model; "
                    + "run apply again once the failure is resolved.\n",
                to: .standardError
            )
        }
        let failures = result.failures
        if !failures.isEmpty {
            var text = "error: \(failures.count) change\(failures.count == 1 ? "" : "s") failed:\n"
            for failure in failures { text += "  " + ApplyText.line(failure) + "\n" }
            write(text, to: .standardError)
        }
    }

    /// Unbuffered writes, so stdout and stderr lines keep their order on a shared terminal.
    private static func writeNow(_ text: String, to stream: Stream) {
        stream.handle.write(Data(text.utf8))
    }
}
