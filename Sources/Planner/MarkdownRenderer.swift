/// Renders a plan as GitHub-flavoured Markdown for a pull-request comment.
public enum MarkdownRenderer {
    /// The size cap: GitHub refuses comments over 65,536 characters, and this leaves room to spare.
    public static let defaultLimit = 60_000

    /// The plan as Markdown: a summary line, then per model with changes or warnings a table of the
    /// changes and a list of warnings, suspended models in one line, and the commit.
    ///
    /// - Parameter limit: The maximum length in Unicode scalars. A longer rendering is cut between
    ///   lines (never inside a table row) and ends with a note pointing to the JSON plan.
    public static func render(_ plan: Plan, limit: Int = defaultLimit) -> String {
        var head: [String] = []
        if plan.summary.hasChanges {
            head.append("### WriftSync plan: " + VersionText.counts(plan.summary))
        } else {
            head.append("### WriftSync plan: no changes")
        }
        head.append("")
        var facts = "\(plan.summary.unchanged) unchanged · "
            + (plan.summary.warnings == 1 ? "1 warning" : "\(plan.summary.warnings) warnings")
        if plan.summary.hasChanges {
            facts += " · applying makes " + VersionText.estimate(plan.estimate)
        }
        head.append(facts)

        var body: [String] = []
        for model in plan.models {
            if model.suspended {
                body.append("")
                body.append("#### \(code(model.model)) — suspended, skipped")
                continue
            }
            let changes = plan.changes.filter { $0.model == model.model }
            let warnings = plan.warnings.filter { $0.model == model.model }
            if changes.isEmpty, warnings.isEmpty { continue }

            body.append("")
            body.append("#### \(code(model.model))")
            if !changes.isEmpty {
                body.append("")
                body.append("| Action | Version | Digest | Release notes | Reason |")
                body.append("|---|---|---|---|---|")
                for change in changes {
                    let action =
                        switch change.action {
                        case .create: "➕ create"
                        case .updateConfiguration: "🔧 configure"
                        case .delete: "➖ delete"
                        case .smokeTest: "🧪 smoke test"
                        }
                    let smoke = change.smoke.map { tests in
                        "; smoke tests: " + tests.map { "\($0.name), max \(VersionText.seconds($0.maxSeconds))" }.joined(separator: "; ")
                    } ?? ""
                    let cells = [
                        action,
                        VersionText.number(change.number),
                        code(VersionText.shortDigest(change.containerImageDigest)),
                        cell(change.releaseNotes ?? ""),
                        cell(change.reason + smoke),
                    ]
                    body.append("| " + cells.joined(separator: " | ") + " |")
                }
            }
            if let latest = model.latestAfterApply {
                body.append("")
                body.append("Latest after apply: " + cell(VersionText.reference(latest)))
            }
            if !warnings.isEmpty {
                body.append("")
                for warning in warnings {
                    var item = "- ⚠️ "
                    if warning.number != nil || warning.containerImageDigest != nil {
                        item += VersionText.number(warning.number)
                        if let digest = warning.containerImageDigest {
                            item += " " + code(VersionText.shortDigest(digest))
                        }
                        item += ": "
                    }
                    body.append(item + cell(warning.message))
                }
            }
        }

        let revision = plan.revision
        let foot = [
            "",
            "---",
            "Planned from commit \(code(revision.commit)) (\(code(revision.ref)) of \(code(revision.repository))).",
        ]

        let whole = head + body + foot
        if length(whole) <= limit {
            return whole.joined(separator: "\n") + "\n"
        }
        let note = [
            "",
            "> **Truncated:** this plan is too long for a comment; see the JSON plan "
                + "(`wriftsync plan --format json`) for all \(plan.changes.count) changes "
                + "and \(plan.warnings.count) warnings.",
        ]
        // Whole lines only, so a table row or list item is never cut in half.
        var kept = head
        var used = length(head + note + foot)
        for line in body {
            let cost = line.unicodeScalars.count + 1
            if used + cost > limit { break }
            kept.append(line)
            used += cost
        }
        return (kept + note + foot).joined(separator: "\n") + "\n"
    }

    /// The rendered length of `lines` joined by newlines plus the final newline, in scalars.
    private static func length(_ lines: [String]) -> Int {
        lines.reduce(0) { $0 + $1.unicodeScalars.count + 1 }
    }

    /// Text safe inside a table cell or list item: pipes and backslashes escaped, line breaks as
    /// `<br>`, HTML neutralised, control characters escaped.
    static func cell(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in VersionText.sanitizedKeepingNewlines(text).unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "|": result += "\\|"
            case "\\": result += "\\\\"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\r": result += "<br>"
            case "\n": if !previousWasCR { result += "<br>" }
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` as a code span, with a fence longer than any run of backticks inside it.
    static func code(_ text: String) -> String {
        let clean = VersionText.sanitized(text)
        var longest = 0
        var run = 0
        for character in clean {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = clean.hasPrefix("`") || clean.hasSuffix("`") ? " " : ""
        return fence + pad + clean + pad + fence
    }
}
