import WriftAIModels
/// Renders a plan for a terminal: what `wriftsync plan` prints by default.
public enum TextRenderer {
    /// The plan as text: first a line for each model whose latest version moves to one that is not its last
    /// declared version; then per model with changes or warnings, `+ create` (with the configuration and
    /// compatibilities it sets), `± replace`, `~ configure`, `- delete`, `= kept` and `! warning` lines and
    /// its latest version before and after; suspended models in one line; models no longer declared
    /// (`? not managed`); then the counts and the commit.
    ///
    /// - Parameter colour: Whether to use ANSI colours. The caller decides (a terminal, and no
    ///   `NO_COLOR`); the renderer never looks at the environment.
    public static func render(_ plan: Plan, colour: Bool = false) -> String {
        let style = Style(enabled: colour)
        let review = PlanReview(plan)
        var lines: [String] = []

        // The risk to read before anything else: un-pinned predictions moving to a version nobody declared last.
        for risk in review.latestRisks {
            lines.append(style.paint(Style.magenta, "! " + VersionText.sanitized(risk.model) + ": " + PlanReview.sentence(risk) + "."))
        }
        if !review.latestRisks.isEmpty { lines.append("") }

        var suspended = Set(review.suspended)
        for facts in plan.models {
            if suspended.remove(facts.model) != nil {
                lines.append(style.bold(VersionText.sanitized(facts.model)) + " (suspended: skipped)")
                lines.append("")
                continue
            }
            guard let model = review.models.first(where: { $0.facts.model == facts.model }) else { continue }
            let numberWidth = (model.rows.map(\.number) + model.warnings.map(\.number))
                .map { VersionText.number($0).count }
                .max() ?? 3
            lines.append(style.bold(VersionText.sanitized(facts.model)))
            for row in model.rows {
                let (marker, word, code) =
                    switch row.kind {
                    case .create: ("+", "create", Style.green)
                    case .replace: ("±", "replace", Style.yellow)
                    case .configure: ("~", "configure", Style.yellow)
                    case .delete: ("-", "delete", Style.red)
                    case .kept: ("=", "kept", Style.dim)
                    case .smokeTest: ("?", "smoke test", Style.yellow)
                    }
                var line = "  " + style.paint(code, pad("\(marker) \(word)", 11))
                line += "  " + pad(VersionText.number(row.number), numberWidth)
                line += "  " + row.digest.short()
                if let notes = row.releaseNotes {
                    line += "  " + VersionText.quoted(notes)
                }
                line += "  (" + VersionText.sanitized(row.reason) + ")"
                lines.append(line)
                for detail in row.details {
                    // Under the digest column.
                    lines.append(String(repeating: " ", count: 17 + numberWidth) + VersionText.sanitized(detail))
                }
            }
            for warning in model.warnings {
                var line = "  " + style.paint(Style.magenta, pad("! warning", 11))
                if warning.number != nil || warning.containerImageDigest != nil {
                    line += "  " + pad(VersionText.number(warning.number), numberWidth)
                    line += "  " + (warning.containerImageDigest.map { $0.short() } ?? "")
                }
                line += "  " + VersionText.sanitized(warning.message)
                lines.append(line)
            }
            lines.append("  latest: " + PlanReview.latest(facts))
            lines.append("")
        }

        for unmanaged in plan.unmanaged ?? [] {
            lines.append(style.bold(VersionText.sanitized(unmanaged.model)))
            lines.append("  " + style.paint(Style.dim, "? not managed") + "  " + VersionText.sanitized(VersionText.unmanaged(unmanaged)))
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
        lines.append("From " + VersionText.origin(plan.revision, code: VersionText.sanitized) + ".")
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
        static let dim = "2"

        let enabled: Bool

        func paint(_ code: String, _ text: String) -> String {
            enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }

        func bold(_ text: String) -> String { paint("1", text) }
    }
}
