import Foundation

/// The status page's chart of API usage: requests per minute over the last hour, stacked by outcome, and
/// the rate limit as a line — inline SVG drawn here (no chart library, nothing fetched), with the same
/// numbers as a table for screen readers and for copying.
struct APIUsageChart {
    /// The minutes, oldest first.
    let minutes: [APIUsage.Minute]
    /// The client's pacing ceiling in requests per minute (`--rate-limit` × 60); `nil` when unpaced.
    let limitPerMinute: Double?

    // The drawing's coordinates (the SVG scales to the page's width).
    private let width = 720.0, height = 230.0
    private let left = 52.0, right = 12.0, top = 14.0, bottom = 40.0

    private var plotWidth: Double { width - left - right }
    private var plotHeight: Double { height - top - bottom }

    /// The top of the y axis: the busiest minute or the limit, whichever is higher — unless the limit is far
    /// above every minute, when it is drawn at the top with its value (the bars would otherwise vanish).
    var scaleTop: (value: Double, limitAboveScale: Bool) {
        let busiest = Double(minutes.map(\.total).max() ?? 0)
        guard let limit = limitPerMinute, limit > 0 else { return (Self.niceCeiling(max(busiest, 1)), false) }
        if busiest > 0, limit > busiest * 5 { return (Self.niceCeiling(busiest * 1.2), true) }
        return (Self.niceCeiling(max(busiest, limit)), false)
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 1 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= value { return factor * power }
        return 10 * power
    }

    var svg: HTML {
        let (scale, limitAboveScale) = (scaleTop.value, scaleTop.limitAboveScale)
        let slot = plotWidth / Double(max(minutes.count, 1))
        var parts: [HTML] = []
        // Grid lines and the y axis' numbers.
        for fraction in [0.0, 0.5, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            let value = Self.number(scale * fraction)
            parts.append("<line class=\"grid\" x1=\"\(Self.f(left))\" x2=\"\(Self.f(width - right))\" y1=\"\(Self.f(y))\" y2=\"\(Self.f(y))\"/>")
            parts.append("<text class=\"axis\" x=\"\(Self.f(left - 6))\" y=\"\(Self.f(y + 4))\" text-anchor=\"end\">\(value)</text>")
        }
        // One stacked bar per minute, with a tooltip saying its numbers.
        for (index, minute) in minutes.enumerated() where minute.total > 0 {
            let x = left + Double(index) * slot + slot * 0.1
            var base = top + plotHeight
            var rects: [HTML] = []
            for outcome in APIUsage.Outcome.allCases where minute[outcome] > 0 {
                let h = min(Double(minute[outcome]) / scale, 1) * plotHeight
                base -= h
                rects.append("<rect class=\"bar \(Self.cssClass(outcome))\" x=\"\(Self.f(x))\" y=\"\(Self.f(base))\" width=\"\(Self.f(slot * 0.8))\" height=\"\(Self.f(max(h, 0.5)))\"/>")
            }
            parts.append("<g><title>\(Self.describe(minute))</title>\(rects)</g>")
        }
        if let limit = limitPerMinute, limit > 0 {
            let y = limitAboveScale ? top : top + plotHeight * (1 - min(limit / scale, 1))
            let label = limitAboveScale ? "rate limit \(Self.number(limit))/min (above the scale)" : "rate limit \(Self.number(limit))/min"
            parts.append("<line class=\"limit\" x1=\"\(Self.f(left))\" x2=\"\(Self.f(width - right))\" y1=\"\(Self.f(y))\" y2=\"\(Self.f(y))\"/>")
            parts.append("<text class=\"limit-label\" x=\"\(Self.f(width - right - 4))\" y=\"\(Self.f(y + 14))\" text-anchor=\"end\">\(label)</text>")
        }
        let axisY = top + plotHeight + 18
        parts.append("<text class=\"axis\" x=\"\(Self.f(left))\" y=\"\(Self.f(axisY))\">60 min ago</text>")
        parts.append("<text class=\"axis\" x=\"\(Self.f(left + plotWidth / 2))\" y=\"\(Self.f(axisY))\" text-anchor=\"middle\">30 min ago</text>")
        parts.append("<text class=\"axis\" x=\"\(Self.f(width - right))\" y=\"\(Self.f(axisY))\" text-anchor=\"end\">now</text>")
        parts.append("<text class=\"axis\" x=\"12\" y=\"\(Self.f(top + plotHeight / 2))\" transform=\"rotate(-90 12 \(Self.f(top + plotHeight / 2)))\" text-anchor=\"middle\">requests/min</text>")
        return """
            <svg class="chart" viewBox="0 0 \(Self.f(width)) \(Self.f(height))" role="img" aria-labelledby="usage-title usage-desc">\
            <title id="usage-title">WriftAI API requests per minute, last hour</title>\
            <desc id="usage-desc">\(summary)</desc>\(parts)</svg>
            """
    }

    /// The totals of the hour, by outcome, in words.
    var summary: String {
        let totals = APIUsage.Outcome.allCases.map { outcome in (outcome, minutes.reduce(0) { $0 + $1[outcome] }) }
        let total = totals.reduce(0) { $0 + $1.1 }
        let parts = totals.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }
        let limit = limitPerMinute.map { "; rate limit \(Self.number($0)) requests/min" } ?? ""
        return "\(total) request\(total == 1 ? "" : "s") in the last hour" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")) + limit
    }

    /// The legend: each outcome's colour, its name and its count in the hour.
    var legend: HTML {
        let items = APIUsage.Outcome.allCases.map { outcome -> HTML in
            let count = minutes.reduce(0) { $0 + $1[outcome] }
            return "<li><span class=\"swatch \(Self.cssClass(outcome))\" aria-hidden=\"true\"></span>\(outcome.rawValue): \(count)</li>"
        }
        let limit: HTML = limitPerMinute.map { "<li><span class=\"swatch swatch-limit\" aria-hidden=\"true\"></span>rate limit: \(Self.number($0))/min</li>" } ?? .empty
        return "<ul class=\"legend\">\(items)\(limit)</ul>"
    }

    /// The minutes with requests, as a table.
    var table: HTML {
        let busy = minutes.filter { $0.total > 0 }
        guard !busy.isEmpty else { return "<p>No API request in the last hour.</p>" }
        let head = HTML(joining: APIUsage.Outcome.allCases.map { "<th scope=\"col\">\($0.rawValue)</th>" })
        let rows = busy.reversed().map { minute -> HTML in
            let cells = HTML(joining: APIUsage.Outcome.allCases.map { "<td class=\"num\">\(minute[$0])</td>" })
            return "<tr><th scope=\"row\">\(DashboardFormat.clock(minute.start))</th>\(cells)<td class=\"num\">\(minute.total)</td></tr>"
        }
        return """
            <table class="usage-table"><caption>Requests per minute (UTC), newest first</caption>\
            <thead><tr><th scope="col">minute</th>\(head)<th scope="col">total</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    static func cssClass(_ outcome: APIUsage.Outcome) -> String {
        switch outcome {
        case .success: "o-2xx"
        case .clientError: "o-4xx"
        case .rateLimited: "o-429"
        case .serverError: "o-5xx"
        case .noAnswer: "o-none"
        }
    }

    static func describe(_ minute: APIUsage.Minute) -> String {
        let parts = APIUsage.Outcome.allCases.filter { minute[$0] > 0 }.map { "\(minute[$0]) \($0.rawValue)" }
        return "\(DashboardFormat.clock(minute.start)): " + parts.joined(separator: ", ")
    }

    /// A coordinate with one decimal.
    static func f(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// A count or rate for people: no decimals when whole.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
