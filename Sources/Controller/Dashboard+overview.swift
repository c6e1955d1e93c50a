import Foundation

extension Dashboard {
    /// `GET /`: the overall state, the last commit and failure, one row per model, the recent history and
    /// the API usage of the last hour. Every model row comes from one copy of the status, so the page agrees
    /// with `/status` at the moment it was rendered.
    func overview() async throws(ConcurrencyLimit.Full) -> HTML {
        let status = status.current
        let now = now()
        let history = try await historyEntries(model: nil, limit: configuration.historyLimit)
        let chart = APIUsageChart(minutes: usage.lastHour(), limitPerMinute: configuration.rateLimitPerSecond.map { $0 * 60 })
        let title = "WriftSync: \(status.overallState?.word ?? "starting")"
        let main: HTML = """
            \(summary(status, now: now))
            <section aria-labelledby="models-heading"><h2 id="models-heading">Models</h2>\(modelTable(status, now: now))</section>
            <section aria-labelledby="history-heading"><h2 id="history-heading">Recent history</h2>\
            \(DashboardLayout.timeline(history, now: now, emptyText: "Nothing applied, failed or drifted since the controller started."))</section>
            <section aria-labelledby="usage-heading"><h2 id="usage-heading">WriftAI API requests, last hour</h2>\
            \(chart.svg)\(chart.legend)<details id="usage-data"><summary>The numbers</summary>\(chart.table)</details></section>
            """
        return DashboardLayout.document(
            title: title, header: DashboardLayout.header(configuration, heading: "WriftSync"), main: main, generatedAt: now
        )
    }

    /// The overall state and the facts of the loop.
    func summary(_ status: ControllerStatus, now: Date) -> HTML {
        let states = status.models.values.compactMap(\.state)
        let counts = ModelState.allCases.reversed().compactMap { state -> String? in
            let count = states.count { $0 == state }
            return count == 0 ? nil : "\(count) \(state.word)"
        }
        let modelsLine = status.models.isEmpty ? "no model reconciled yet" : "\(status.models.count) model\(status.models.count == 1 ? "" : "s"): " + counts.joined(separator: ", ")
        let lastApplied = status.lastAppliedCommit.flatMap { status.commits[$0] }
        var facts: [HTML] = [
            "<dt>Last applied commit</dt><dd>\(DashboardLayout.commit(status.lastAppliedCommit, author: lastApplied?.author, subject: lastApplied?.subject))\(status.lastSuccessAt.map { " · \(DashboardFormat.time($0, now: now))" as HTML } ?? .empty)</dd>",
        ]
        if let attempted = status.lastAttemptedCommit, attempted != status.lastAppliedCommit {
            let info = status.commits[attempted]
            facts.append("<dt>Last attempted commit</dt><dd>\(DashboardLayout.commit(attempted, author: info?.author, subject: info?.subject))</dd>")
        }
        let lastRun: HTML = status.lastRunAt.map { "\(DashboardFormat.time($0, now: now)) · \(status.reconciles) reconcile\(status.reconciles == 1 ? "" : "s") since start" } ?? "none yet"
        facts.append("<dt>Last reconcile</dt><dd>\(lastRun)</dd>")
        let nextRun: HTML = status.nextRunAt.map { "\(DashboardFormat.time($0, now: now)) <span class=\"small\">(\(DashboardFormat.timestamp($0)))</span>" } ?? "after the first reconcile"
        facts.append("<dt>Next run</dt><dd>\(nextRun)</dd>")
        facts.append(status.dryRun
            ? "<dt>Mode</dt><dd><strong>dry run</strong>: drift is reported, nothing is ever written</dd>"
            : "<dt>Mode</dt><dd>applies changes</dd>")
        if let plan = status.lastPlan {
            facts.append("<dt>Last plan</dt><dd>\(plan.create) to create, \(plan.update) to configure, \(plan.delete) to delete\(plan.smokeTest > 0 ? ", \(plan.smokeTest) to smoke-test" : "")</dd>")
        }
        var failure: HTML = .empty
        if let last = status.lastFailure {
            let since: HTML = status.failingSince.map { " · failing since \(DashboardFormat.time($0, now: now))" } ?? .empty
            let problems: HTML = (last.problems ?? []).isEmpty ? .empty : "<ul>\((last.problems ?? []).prefix(10).map { problem -> HTML in "<li><code>\(problem)</code></li>" })</ul>"
            failure = """
                <div class="failure" role="alert"><strong>Last failure: \(last.failureClass.rawValue)</strong> in \
                \(last.stage.rawValue)\(since)<div>\(last.message)</div>\(problems)</div>
                """
        }
        return """
            <div class="overview"><div class="overall" data-overall="\(status.overallState?.rawValue ?? "unknown")">\
            \(DashboardLayout.badge(status.overallState))<p>\(modelsLine)</p></div>\
            <dl class="facts">\(facts)</dl></div>\(failure)
            """
    }

    /// One row per model: its state, its versions declared and live, its latest version, its warnings and
    /// its last change.
    func modelTable(_ status: ControllerStatus, now: Date) -> HTML {
        guard !status.models.isEmpty else {
            return "<p>No model has been reconciled yet: the first reconcile lists every declared model here.</p>"
        }
        let rows = status.models.keys.sorted().map { model -> HTML in
            let row = status.models[model]!
            return """
                <tr data-model="\(model)" data-state="\(row.state?.rawValue ?? "unknown")">\
                <th scope="row"><a href="\(Self.link(model))">\(model)</a></th>\
                <td data-label="State">\(DashboardLayout.badge(row.state))\(row.stateSince.map { "<div class=\"small\">since \(DashboardFormat.time($0, now: now))</div>" } ?? .empty)</td>\
                <td data-label="Declared / live" class="num"><span class="declared">\(row.declaredVersions.map(String.init) ?? "–")</span> / \
                <span class="live">\(row.liveVersions.map(String.init) ?? "–")</span></td>\
                <td data-label="Latest version">\(latest(row.latest))</td>\
                <td data-label="Warnings">\(warnings(row, limit: 140))</td>\
                <td data-label="Last change">\(lastChange(row.lastChange, now: now))</td></tr>
                """
        }
        let counts = ModelState.allCases.compactMap { state -> String? in
            let count = status.models.values.count { $0.state == state }
            return count == 0 ? nil : "\(count) \(state.word)"
        }
        return """
            <table class="models cards"><caption>\(status.models.count) model\(status.models.count == 1 ? "" : "s") — \(counts.joined(separator: ", "))</caption>\
            <thead><tr><th scope="col">Model</th><th scope="col">State</th><th scope="col" class="num">Declared / live versions</th>\
            <th scope="col">Latest live version</th><th scope="col">Warnings</th><th scope="col">Last change</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }

    /// The latest live version: number, short digest, release notes, and whether it is the last declared.
    func latest(_ latest: ControllerStatus.LatestVersion?) -> HTML {
        guard let latest else { return "<span class=\"small\">no live version</span>" }
        let declared: HTML = latest.isLastDeclared
            ? "<span class=\"mark-yes\">the last declared</span>"
            : "<span class=\"mark-no\">not the last declared</span>"
        let notes: HTML = latest.releaseNotes.isEmpty ? .empty : "<p class=\"notes\">\(latest.releaseNotes)</p>"
        return """
            <span class="latest-number">#\(latest.number)</span> <code class="digest" title="\(latest.containerImageDigest)">\
            \(DashboardFormat.shortDigest(latest.containerImageDigest))</code> · \(declared)\(notes)
            """
    }

    /// The model's warnings (and the failure of its last changes); cut at `limit` characters each on the
    /// overview, whole on the model's page.
    func warnings(_ row: ControllerStatus.ModelStatus, limit: Int = .max) -> HTML {
        func cut(_ text: String) -> String { text.count > limit ? String(text.prefix(limit - 1)) + "…" : text }
        var items = row.warnings.map { warning -> HTML in
            "<li title=\"\(warning.message)\"><strong>\(warning.kind.rawValue.replacingOccurrences(of: "_", with: " "))</strong>: \(cut(warning.message))</li>"
        }
        if let error = row.lastError { items.insert("<li title=\"\(error)\"><strong>failed</strong>: \(cut(error))</li>", at: 0) }
        return items.isEmpty ? "<span class=\"small\">none</span>" : "<ul class=\"plain\">\(items)</ul>"
    }

    func lastChange(_ change: ControllerStatus.LastChange?, now: Date) -> HTML {
        guard let change else { return "<span class=\"small\">none since start</span>" }
        return """
            \(change.summary)<div class="small">\(DashboardFormat.time(change.at, now: now)) · \
            \(DashboardLayout.commit(change.commit, author: change.author, subject: change.subject))</div>
            """
    }

    /// `/models/acme/sentiment`, each segment percent-encoded.
    static func link(_ model: String) -> String {
        "/models/" + model.split(separator: "/", omittingEmptySubsequences: false).map { HTML.pathSegment(String($0)) }.joined(separator: "/")
    }
}
