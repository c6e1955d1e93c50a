import Foundation
import Pipeline

extension Dashboard {
    /// `GET /models/{owner}/{name}`: the model's versions, declared and live side by side (matched by
    /// digest), its warnings and its history; `nil` for a model the controller has not planned.
    func modelPage(_ model: String) async throws(ConcurrencyLimit.Full) -> HTML? {
        let status = status.current
        guard let row = status.models[model] else { return nil }
        let now = now()
        let history = try await historyEntries(model: model, limit: 50)
        let main: HTML = """
            <p><a href="/">← All models</a></p>
            <div class="overview"><div class="overall" data-overall="\(row.state?.rawValue ?? "unknown")">\
            \(DashboardLayout.badge(row.state))\(row.stateSince.map { "<p>since \(DashboardFormat.time($0, now: now))</p>" } ?? .empty)</div>\
            <dl class="facts"><dt>Versions</dt><dd>\(row.declaredVersions.map(String.init) ?? "–") declared, \
            \(row.liveVersions.map(String.init) ?? "–") live</dd>\
            <dt>Latest live version</dt><dd>\(latest(row.latest))</dd>\
            <dt>Last change</dt><dd>\(lastChange(row.lastChange, now: now))</dd>\
            <dt>Warnings</dt><dd>\(warnings(row))</dd></dl></div>
            <section aria-labelledby="versions-heading"><h2 id="versions-heading">Versions, declared and live</h2>\
            \(versionTable(status.observations[model]))</section>
            <section aria-labelledby="history-heading"><h2 id="history-heading">History</h2>\
            \(DashboardLayout.timeline(history, now: now, emptyText: "No change of this model since the controller started."))</section>
            """
        let heading: HTML = "<a href=\"/\">WriftSync</a> / \(model)"
        return DashboardLayout.document(
            title: "\(model): \(row.state?.word ?? "not reconciled yet") — WriftSync",
            header: DashboardLayout.header(configuration, heading: heading), main: main, generatedAt: now
        )
    }

    /// The declared versions in declaration order, each beside the live version with its digest; then the live
    /// versions nothing declares.
    func versionTable(_ observation: ModelObservation?) -> HTML {
        guard let observation else { return "<p>The versions are shown after the next reconcile of the model.</p>" }
        var live = observation.live
        let latestNumber = observation.latest?.number
        var rows: [HTML] = []
        for (index, declared) in observation.declared.enumerated() {
            let match = live.firstIndex { $0.containerImageDigest == declared.containerImageDigest }
            let liveVersion = match.map { live.remove(at: $0) }
            let isLast = index == observation.declared.count - 1
            rows.append(row(declared: declared, position: index + 1, isLastDeclared: isLast, live: liveVersion, latestNumber: latestNumber))
        }
        for version in live {
            rows.append(row(declared: nil, position: nil, isLastDeclared: false, live: version, latestNumber: latestNumber))
        }
        let suspended: HTML = observation.suspended ? "<p><strong>Suspended</strong>: nothing is planned for this model.</p>" : .empty
        return """
            \(suspended)<table class="versions cards"><caption>\(observation.declared.count) declared (oldest first), \
            \(observation.live.count) live; matched by image digest</caption>\
            <thead><tr><th scope="col">Declared</th><th scope="col">Live</th><th scope="col">Image digest</th>\
            <th scope="col">Release notes</th><th scope="col">Where</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private func row(
        declared: ModelObservation.Declared?, position: Int?, isLastDeclared: Bool, live: ModelObservation.Live?, latestNumber: Int?
    ) -> HTML {
        let isLatest = live != nil && live?.number == latestNumber
        let declaredCell: HTML = position.map { position in
            "<th scope=\"row\">\(position)\(isLastDeclared ? " <span class=\"small\">(last declared)</span>" as HTML : .empty)</th>"
        } ?? "<th scope=\"row\" class=\"missing\">not declared</th>"
        let liveCell: HTML = live.map { version in
            let created: HTML = version.createdAt.map { " <span class=\"small\">created \($0)</span>" } ?? " <span class=\"small\">created by this controller</span>"
            return "<td data-label=\"Live\">#\(version.number)\(isLatest ? " <strong>latest</strong>" as HTML : .empty)\(created)</td>"
        } ?? "<td data-label=\"Live\" class=\"missing\">not live</td>"
        let digest = (declared?.containerImageDigest ?? live?.containerImageDigest)?.value ?? ""
        let notes = declared?.releaseNotes ?? live?.releaseNotes ?? ""
        let liveNotes: HTML = if let declared, let live, live.releaseNotes != declared.releaseNotes {
            "<p class=\"notes\">live: \(live.releaseNotes)</p>"
        } else {
            .empty
        }
        return """
            <tr\(isLatest ? " class=\"latest-row\"" as HTML : .empty)>\(declaredCell)\(liveCell)\
            <td data-label="Image digest"><code class="digest" title="\(digest)">\(DashboardFormat.shortDigest(digest))</code></td>\
            <td data-label="Release notes"><p class="notes">\(notes)</p>\(liveNotes)</td>\
            <td data-label="Where"><span class="small">\(declared?.declaredAt ?? "")</span></td></tr>
            """
    }

    /// The answer for a model the controller does not know.
    func notFound(_ model: String) -> HTML {
        DashboardLayout.document(
            title: "Not found — WriftSync", header: DashboardLayout.header(configuration, heading: "<a href=\"/\">WriftSync</a>"),
            main: "<p>No model named <code>\(model)</code> has been reconciled. <a href=\"/\">All models</a></p>", generatedAt: now()
        )
    }
}
