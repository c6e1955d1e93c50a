import Foundation
import Hummingbird
import Notifications
import Pipeline

extension ControllerHTTP {
    /// The most records one `GET /history` returns.
    public static let maxHistoryLimit = 1000
    /// Records returned when no `limit` is given.
    public static let defaultHistoryLimit = 100

    /// `GET /history?model=&since=&limit=`: the newest records (oldest first), as `wriftsync history
    /// --format json` prints them. Bounded: `limit` is at most ``maxHistoryLimit``.
    func addHistoryRoute(to router: Router<BasicRequestContext>) {
        let history = history
        let historyReads = historyReads
        router.get("/history") { request, _ -> Response in
            guard let history else {
                return Self.text("no history is kept: start with --state-dir or --cache-dir writable\n", status: .notFound)
            }
            var query = HistoryQuery(limit: Self.defaultHistoryLimit)
            let parameters = request.uri.queryParameters
            if let model = parameters["model"].map(String.init), !model.isEmpty { query.model = model }
            if let limitText = parameters["limit"].map(String.init) {
                guard let limit = Int(limitText), (1...Self.maxHistoryLimit).contains(limit) else {
                    return Self.text("limit must be a number from 1 to \(Self.maxHistoryLimit)\n", status: .badRequest)
                }
                query.limit = limit
            }
            if let sinceText = parameters["since"].map(String.init) {
                guard let since = HistoryTime.parse(sinceText, now: Date()) else {
                    return Self.text("since takes a time (2026-11-30T08:00:00Z, 2026-11-30) or an age (30m, 24h, 7d)\n", status: .badRequest)
                }
                query.since = since
            }
            let read: HistoryStore.Read
            do {
                let asked = query
                read = try await historyReads.run { try await onOwnThread { try history.read(asked) } }
            } catch is ConcurrencyLimit.Full {
                return Self.historyBusy()
            } catch {
                return Self.text("cannot read the history: \(error)\n", status: .internalServerError)
            }
            return Self.answer(ByteBuffer(bytes: HistoryJSON.document(read.records)), type: "application/json")
        }
    }

    /// The answer to a history read refused because as many wait as may (`ConcurrencyLimit.Full`): 503, to be
    /// tried again in a second. Refusing at once holds nothing; waiting held a connection and a task each.
    static func historyBusy() -> Response {
        busy("the history is busy: try again in a second\n")
    }

    /// 503 saying `message`, to be tried again in a second (`Retry-After: 1`).
    static func busy(_ message: String) -> Response {
        var response = text(message, status: .serviceUnavailable)
        response.headers[.retryAfter] = "1"
        return response
    }
}
