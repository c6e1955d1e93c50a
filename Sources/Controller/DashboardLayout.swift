import Foundation

/// The parts every page of the status page shares: the document around the content, the state badge, a
/// commit, the history timeline.
enum DashboardLayout {
    /// A whole document: `<main>` holds what the inline script refreshes.
    static func document(title: String, header: HTML, main: HTML, generatedAt: Date) -> HTML {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">\
        <meta name="viewport" content="width=device-width, initial-scale=1">\
        <meta name="referrer" content="no-referrer">\
        <title>\(title)</title><link rel="icon" href="data:,">\
        <style>\(HTML(trusted: DashboardAssets.style))</style></head>
        <body><div class="page">\(header)
        <p id="live" role="status" aria-live="polite"></p>
        <main>\(main)
        <footer><p>Rendered by the controller at \(DashboardFormat.timestamp(generatedAt)). \
        <span id="refresh-note">Reload the page to update it.</span> \
        The same data as JSON: <a href="/status">/status</a>; metrics: <a href="/metrics">/metrics</a>.</p></footer>
        </main></div>
        <script>\(HTML(trusted: DashboardAssets.script))</script>
        </body></html>

        """
    }

    /// The page header: the name and where the controller reads from.
    static func header(_ configuration: DashboardConfiguration, heading: HTML) -> HTML {
        let ref = configuration.ref ?? "the default branch"
        return """
            <header class="top"><h1>\(heading)</h1>\
            <span class="where">\(configuration.repository) · \(ref) · \(configuration.path)</span></header>
            """
    }

    /// The state with its colour, a symbol and its word (never the colour alone).
    static func badge(_ state: ModelState?) -> HTML {
        guard let state else { return "<span class=\"state state-unknown\">not reconciled yet</span>" }
        let symbol = switch state {
        case .inSync: "✓"
        case .warning: "!"
        case .drifted: "≠"
        case .failing: "✕"
        }
        return "<span class=\"state state-\(state.rawValue)\"><span aria-hidden=\"true\">\(symbol)</span> \(state.word)</span>"
    }

    /// `abc123def456 “subject” by Author`.
    static func commit(_ commit: String?, author: String?, subject: String?) -> HTML {
        guard let commit else { return "none yet" }
        let subjectPart: HTML = subject.map { $0.isEmpty ? .empty : " “\($0)”" } ?? .empty
        let authorPart: HTML = author.map { $0.isEmpty ? .empty : " <span class=\"small\">by \($0)</span>" } ?? .empty
        return "<code title=\"\(commit)\">\(DashboardFormat.shortCommit(commit))</code>\(subjectPart)\(authorPart)"
    }

    /// The history, newest first, or why it cannot be shown.
    static func timeline(_ history: Result<[HistoryEntry], any Error>, now: Date, emptyText: String) -> HTML {
        let entries: [HistoryEntry]
        switch history {
        case let .failure(error): return "<p class=\"failure\">The history cannot be read: \(String(describing: error))</p>"
        case let .success(read): entries = read
        }
        guard !entries.isEmpty else { return "<p>\(emptyText)</p>" }
        let items = entries.map { entry -> HTML in
            let repeated: HTML = entry.repeated > 1 ? " <span class=\"small\">(\(entry.repeated) times in a row)</span>" : .empty
            let failure: HTML = entry.message.map { message in
                "<div class=\"small\">\(entry.failureClass.map { "\($0): " } ?? "")\(message)</div>"
            } ?? .empty
            let changes = entry.changes.map { change -> HTML in
                let number = change.number.map { "#\($0)" } ?? "new version"
                return "<li>\(change.model): \(change.action.replacingOccurrences(of: "_", with: " ")) \(number) <code>\(DashboardFormat.shortDigest(change.containerImageDigest))</code> — \(change.outcome.replacingOccurrences(of: "_", with: " "))</li>"
            }
            let more: HTML = entry.moreChanges > 0 ? "<li>and \(entry.moreChanges) more</li>" : .empty
            let list: HTML = changes.isEmpty ? .empty : "<ul>\(changes)\(more)</ul>"
            let warnings: HTML = entry.warnings > 0 ? " · \(entry.warnings) warning\(entry.warnings == 1 ? "" : "s")" : .empty
            return """
                <li class="k-\(entry.kind.rawValue)" data-kind="\(entry.kind.rawValue)">\(DashboardFormat.time(entry.time, now: now)) \
                <span class="kind">\(entry.kind.words)</span>\(repeated) · \(commit(entry.commit, author: entry.author, subject: entry.subject)) \
                <span class="small">· \(entry.trigger) · \(DashboardFormat.duration(entry.durationSeconds))\(warnings)</span>\(failure)\(list)</li>
                """
        }
        return "<ol class=\"timeline\">\(items)</ol>"
    }
}
