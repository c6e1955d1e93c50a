/// Renders a plan for a terminal: what `wriftsync plan` prints by default.
public enum TextRenderer {
    /// The plan as text: per model with changes or warnings, `+ create`, `~ configure`, `- delete`
    /// and `! warning` lines; suspended models in one line; then the counts and the commit.
    ///
    /// - Parameter colour: Whether to use ANSI colours. The caller decides (a terminal, and no
    ///   `NO_COLOR`); the renderer never looks at the environment.
    public static func render(_ plan: Plan, colour: Bool = false) -> String {
        let style = Style(enabled: colour)
        var lines: [String] = []

        for facts in plan.models {
            if facts.suspended {
                lines.append(style.bold(VersionText.sanitized(facts.model)) + " (suspended: skipped)")
                lines.append("")
                continue
            }
            let changes = plan.changes.filter { $0.model == facts.model }
            let warnings = plan.warnings.filter { $0.model == facts.model }
            if changes.isEmpty, warnings.isEmpty { continue }

            let numberWidth = (changes.map(\.number) + warnings.map(\.number))
                .map { VersionText.number($0).count }
                .max() ?? 3
            lines.append(style.bold(VersionText.sanitized(facts.model)))
            for change in changes {
                let (marker, word, code) =
                    switch change.action {
                    case .create: ("+", "create", Style.green)
                    case .updateConfiguration: ("~", "configure", Style.yellow)
                    case .delete: ("-", "delete", Style.red)
                    case .smokeTest: ("?", "smoke test", Style.yellow)
                    }
                var line = "  " + style.paint(code, pad("\(marker) \(word)", 11))
                line += "  " + pad(VersionText.number(change.number), numberWidth)
                line += "  " + VersionText.shortDigest(change.containerImageDigest)
                if let notes = change.releaseNotes {
                    line += "  " + VersionText.quoted(notes)
                }
                line += "  (" + VersionText.sanitized(change.reason) + ")"
                lines.append(line)
                for test in change.smoke ?? [] {
                    lines.append("      smoke: " + VersionText.sanitized(test.name) + ", max " + VersionText.seconds(test.maxSeconds)
                        + (test.expectOutput == nil ? ", output checked against the output schema" : ", exact output expected"))
                }
            }
            for warning in warnings {
                var line = "  " + style.paint(Style.magenta, pad("! warning", 11))
                if warning.number != nil || warning.containerImageDigest != nil {
                    line += "  " + pad(VersionText.number(warning.number), numberWidth)
                    line += "  " + (warning.containerImageDigest.map(VersionText.shortDigest) ?? "")
                }
                line += "  " + VersionText.sanitized(warning.message)
                lines.append(line)
            }
            if let latest = facts.latestAfterApply {
                lines.append("  latest after apply: " + VersionText.reference(latest))
            }
            lines.append("")
        }

        if plan.summary.hasChanges {
            lines.append(style.bold("Plan: " + VersionText.counts(plan.summary) + "."))
            lines.append("Applying makes " + VersionText.estimate(plan.estimate) + ".")
        } else {
            lines.append(
                style.bold("No changes.") + " The live versions match the declarations "
                    + "(\(plan.summary.unchanged) unchanged)."
            )
        }
        if plan.summary.warnings > 0 {
            lines.append(plan.summary.warnings == 1 ? "1 warning." : "\(plan.summary.warnings) warnings.")
        }
        let revision = plan.revision
        lines.append(
            "From commit \(VersionText.sanitized(revision.commit)) (\(VersionText.sanitized(revision.ref)) of "
                + "\(VersionText.sanitized(revision.repository)))."
        )
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// ANSI styling that collapses to plain text when disabled.
    private struct Style {
        static let green = "32"
        static let yellow = "33"
        static let red = "31"
        static let magenta = "35"

        let enabled: Bool

        func paint(_ code: String, _ text: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }

        func bold(_ text: String) -> String { paint("1", text) }
    }
}
