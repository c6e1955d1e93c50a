import WriftAIModels
/// Renders a plan as GitHub-flavoured Markdown for a pull-request comment.
public enum MarkdownRenderer {
    /// The size cap: GitHub refuses comments over 65,536 characters, and this leaves room to spare.
    public static let defaultLimit = 60_000

    /// The plan as Markdown for a reviewer: the counts; a warning block when a model's latest version moves
    /// to one that is not its last declared version; the risks to read first (deletes, changes of latest,
    /// warnings, models no longer managed); then, per model with changes or warnings, a collapsed
    /// `<details>` with its table (`create` with its configuration and compatibilities, `replace`,
    /// `configure`, `delete`, `kept`), its latest version before and after, and its warnings; suspended
    /// models; models no longer declared; and the commit.
    ///
    /// - Parameter limit: The maximum length in Unicode scalars. A longer rendering is cut between
    ///   lines (never inside a table row, and an open `<details>` is closed) and ends with a note pointing
    ///   to the JSON plan.
    public static func render(_ plan: Plan, limit: Int = defaultLimit) -> String {
        let review = PlanReview(plan)
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
        if !review.latestRisks.isEmpty {
            head.append("")
            head.append("> [!WARNING]")
            for (index, risk) in review.latestRisks.prefix(summaryItems).enumerated() {
                if index > 0 { head.append(">") }
                head.append("> **\(code(risk.model))**: " + cell(PlanReview.sentence(risk)) + ".")
            }
            if review.latestRisks.count > summaryItems {
                head.append(">")
                head.append("> … and \(review.latestRisks.count - summaryItems) more models.")
            }
        }
        let risks = riskSummary(plan, review)
        if !risks.isEmpty {
            head.append("")
            head += risks
        }

        var body: [String] = []
        for model in review.models {
            body.append("")
            body.append("<details><summary>" + summary(model) + "</summary>")
            body.append("")
            body.append("| Action | Version | Digest | Release notes | Reason |")
            body.append("|---|---|---|---|---|")
            for row in model.rows {
                let action =
                    switch row.kind {
                    case .create: "➕ create"
                    case .replace: "± replace"
                    case .configure: "🔧 configure"
                    case .delete: "➖ delete"
                    case .kept: "= kept"
                    case .smokeTest: "🧪 smoke test"
                    }
                let reason = ([row.reason] + row.details).map(cell).joined(separator: "<br>")
                let cells = [
                    action,
                    VersionText.number(row.number),
                    code(row.digest.short()),
                    cell(row.releaseNotes ?? ""),
                    reason,
                ]
                body.append("| " + cells.joined(separator: " | ") + " |")
            }
            body.append("")
            body.append("Latest: " + cell(PlanReview.latest(model.facts)))
            if !model.warnings.isEmpty {
                body.append("")
                for warning in model.warnings {
                    body.append(warningItem(warning, withModel: false))
                }
            }
            body.append("")
            body.append("</details>")
        }
        if !review.suspended.isEmpty {
            body.append("")
            body.append("Suspended, skipped: " + review.suspended.map(code).joined(separator: ", "))
        }
        if let unmanaged = plan.unmanaged, !unmanaged.isEmpty {
            body.append("")
            body.append("| Action | Model | Reason |")
            body.append("|---|---|---|")
            for model in unmanaged {
                body.append("| ❔ not managed | \(code(model.model)) | \(cell(VersionText.unmanaged(model))) |")
            }
        }

        let foot = [
            "",
            "---",
            "Planned from " + VersionText.origin(plan.revision, code: code) + ".",
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
        // Whole lines only, so a table row or list item is never cut in half; a cut inside a model's
        // `<details>` closes it, so the rest of the comment is not swallowed by it.
        let closing = ["", "</details>"]
        var kept = head
        var used = length(head + note + foot) + length(closing)
        var open = false
        for line in body {
            let cost = line.unicodeScalars.count + 1
            if used + cost > limit { break }
            kept.append(line)
            used += cost
            if line.hasPrefix("<details>") { open = true }
            if line == "</details>" { open = false }
        }
        if open { kept += closing }
        return (kept + note + foot).joined(separator: "\n") + "\n"
    }

    /// Items listed per kind of risk in the summary; the rest are counted.
    static let summaryItems = 10

    /// The bullet list a reviewer reads first: deletes, changes of latest, warnings, models no longer managed.
    private static func riskSummary(_ plan: Plan, _ review: PlanReview) -> [String] {
        var items: [String] = []
        let deletes = plan.changes.filter { $0.action == .delete }
        if !deletes.isEmpty {
            let replaced = Set(plan.changes.compactMap { change in change.replaces.map { "\(change.model)#\($0)" } })
            let listed = deletes.prefix(summaryItems).map { change in
                var text = code(change.model) + " " + VersionText.number(change.number)
                if let number = change.number, replaced.contains("\(change.model)#\(number)") { text += " (replaced)" }
                return text
            }
            items.append("- ➖ **\(deletes.count) to delete:** " + listed.joined(separator: ", ") + more(deletes.count))
        }
        let moving = review.models.filter(\.latestChanges)
        if !moving.isEmpty {
            let listed = moving.prefix(summaryItems).map { code($0.facts.model) + " " + cell(PlanReview.latest($0.facts)) }
            items.append("- 🔀 **latest changes:** " + listed.joined(separator: "; ") + more(moving.count))
        }
        if !plan.warnings.isEmpty {
            let count = plan.warnings.count
            items.append("- ⚠️ **\(count) warning\(count == 1 ? "" : "s"):**")
            for warning in plan.warnings.prefix(summaryItems) {
                items.append("  " + warningItem(warning, withModel: true))
            }
            if count > summaryItems { items.append("  - … and \(count - summaryItems) more (in the details below)") }
        }
        if let unmanaged = plan.unmanaged, !unmanaged.isEmpty {
            let listed = unmanaged.prefix(summaryItems).map { code($0.model) }
            items.append("- ❔ **no longer declared, left alone:** " + listed.joined(separator: ", ") + more(unmanaged.count))
        }
        return items
    }

    /// `, … and 3 more` past the listed items.
    private static func more(_ count: Int) -> String {
        count > summaryItems ? ", … and \(count - summaryItems) more" : ""
    }

    /// `- ⚠️ #1 `010101010101`: message`, with the model first when `withModel`.
    private static func warningItem(_ warning: PlanWarning, withModel: Bool) -> String {
        var item = "- ⚠️ " + (withModel ? code(warning.model) + " " : "")
        if warning.number != nil || warning.containerImageDigest != nil {
            item += VersionText.number(warning.number)
            if let digest = warning.containerImageDigest {
                item += " " + code(digest.short())
            }
            item += ": "
        } else if withModel {
            item += "— "
        }
        return item + cell(warning.message)
    }

    /// A model's `<summary>`, HTML (Markdown is not rendered there): its name, counts and a change of latest.
    private static func summary(_ model: PlanReview.Model) -> String {
        // By row, as the table shows them: a replacement is one.
        let count = { (kind: PlanReview.Row.Kind) in model.rows.count { $0.kind == kind } }
        var parts: [String] = []
        let kinds: [(PlanReview.Row.Kind, String)] = [(.create, "to create"), (.replace, "to replace"), (.configure, "to configure"), (.delete, "to delete"), (.smokeTest, "to smoke-test")]
        for (kind, words) in kinds where count(kind) > 0 {
            parts.append("\(count(kind)) \(words)")
        }
        if !model.warnings.isEmpty { parts.append(model.warnings.count == 1 ? "1 warning" : "\(model.warnings.count) warnings") }
        var text = "<code>" + cell(model.facts.model.description) + "</code>: " + parts.joined(separator: ", ")
        if model.latestChanges {
            let number = { (version: VersionReference?) in version.map { VersionText.number($0.number) } ?? "none" }
            text += " · latest " + number(model.facts.latestBeforeApply) + " → " + number(model.facts.latestAfterApply)
        }
        return text
    }

    /// The rendered length of `lines` joined by newlines plus the final newline, in scalars.
    private static func length(_ lines: [String]) -> Int {
        lines.reduce(0) { $0 + $1.unicodeScalars.count + 1 }
    }

    /// Text safe inside a table cell or list item: pipes and backslashes escaped, line breaks as
    /// `<br>`, HTML neutralised, control characters escaped; and none of GitHub's active Markdown: release notes
    /// (from a pull request, or from the API) made links and images in the bot's own comment, `@team` mentions
    /// that notified whole teams, autolinks and cross-repository references. Brackets are escaped; a mention,
    /// `://`, `www.` and `owner/repo#N` get a word joiner (U+2060, invisible) that keeps GitHub from reading them.
    static func cell(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        let scalars = Array(VersionText.sanitizedKeepingNewlines(text).unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            defer { previousWasCR = scalar == "\r" }
            let previous = index > 0 ? scalars[index - 1] : nil
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case "|": result += "\\|"
            case "\\": result += "\\\\"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "[": result += "\\["
            case "]": result += "\\]"
            case "\r": result += "<br>"
            case "\n": if !previousWasCR { result += "<br>" }
            case "@": result += "@\u{2060}"
            case ":" where next == "/" && index + 2 < scalars.count && scalars[index + 2] == "/": result += ":\u{2060}"
            case "." where index >= 3 && String(String.UnicodeScalarView(scalars[(index - 3)..<index])).lowercased() == "www":
                result += "\u{2060}."
            case "#" where next.map({ ("0"..."9").contains($0) }) == true
                && previous.map({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "/" || $0 == "-" || $0 == "_" }) == true:
                result += "#\u{2060}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` as a code span, with a fence longer than any run of backticks inside it.
    static func code(_ model: ModelID) -> String {
        code(model.description)
    }

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
