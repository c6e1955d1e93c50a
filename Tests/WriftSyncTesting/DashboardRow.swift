/// What a model row of the status page says (the same parser as ControllerTests' DashboardTests).
public struct DashboardRow: Equatable, CustomStringConvertible {
    public var state: String
    public var declared: Int?
    public var live: Int?
    public var latest: Int?

    public init(state: String, declared: Int?, live: Int?, latest: Int?) {
        self.state = state
        self.declared = declared
        self.live = live
        self.latest = latest
    }

    public var description: String { "\(state) \(declared.map(String.init) ?? "–")/\(live.map(String.init) ?? "–") latest \(latest.map { "#\($0)" } ?? "none")" }

    /// The rows of a page (as served, or as Chromium serialises its DOM), by model.
    public static func parse(_ html: String) -> [String: DashboardRow] {
        var rows: [String: DashboardRow] = [:]
        for match in html.matches(of: #/<tr data-model="([^"]+)" data-state="([^"]+)">(.*?)</tr>/#.dotMatchesNewlines()) {
            let cells = String(match.output.3)
            let number = { (pattern: Regex<(Substring, Substring)>) in cells.firstMatch(of: pattern).flatMap { Int($0.output.1) } }
            rows[String(match.output.1)] = DashboardRow(
                state: String(match.output.2),
                declared: number(#/<span class="declared">(\d+)</span>/#),
                live: number(#/<span class="live">(\d+)</span>/#),
                latest: number(#/<span class="latest-number">#(\d+)</span>/#)
            )
        }
        return rows
    }
}
