import Foundation
import Hummingbird

/// What the status page says about where the controller reads from and how fast it may call the API.
public struct DashboardConfiguration: Sendable {
    /// The repository, as `RepositorySpec` shows it (credentials are never part of it).
    public var repository: String
    /// The ref followed; `nil` for the remote's default branch.
    public var ref: String?
    /// The directory of declarations.
    public var path: String
    /// The client's pacing ceiling (`--rate-limit`), in requests per second; `nil` when unknown.
    public var rateLimitPerSecond: Double?
    /// How many history entries the overview shows.
    public var historyLimit: Int

    /// Creates a configuration.
    public init(repository: String, ref: String? = nil, path: String = "models", rateLimitPerSecond: Double? = nil, historyLimit: Int = 15) {
        self.repository = repository
        self.ref = ref
        self.path = path
        self.rateLimitPerSecond = rateLimitPerSecond
        self.historyLimit = historyLimit
    }
}

/// The status page of `run --listen`: `GET /` (every model at a glance, the recent history, the API usage of
/// the last hour) and `GET /models/{owner}/{name}` (one model's versions, declared and live side by side,
/// and its history). Rendered on the server from the same status `/status` serves, read-only, without
/// JavaScript (a small inline script refreshes it), with nothing loaded from anywhere else.
public struct Dashboard: Sendable {
    /// What the loop found.
    public let status: StatusStore
    /// The API requests of the last hour.
    public let usage: APIUsage
    /// The history shown.
    public let history: any HistoryReading
    /// Where the controller reads from.
    public let configuration: DashboardConfiguration
    let now: @Sendable () -> Date

    /// Creates the page over `status`, `usage` and `history`; `now` is the clock (tests give their own).
    public init(
        status: StatusStore, usage: APIUsage, history: any HistoryReading, configuration: DashboardConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.status = status
        self.usage = usage
        self.history = history
        self.configuration = configuration
        self.now = now
    }

    /// Adds `GET /` and `GET /models/{owner}/{name}` to `router`; both answer 503 when too many history reads
    /// wait already.
    public func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { _, _ -> Response in
            do {
                return Self.respond(try await overview())
            } catch {
                return ControllerHTTP.historyBusy()
            }
        }
        router.get("/models/{owner}/{name}") { _, context -> Response in
            let owner = context.parameters.get("owner") ?? ""
            let name = context.parameters.get("name") ?? ""
            do {
                guard let page = try await modelPage("\(owner)/\(name)") else {
                    return Self.respond(notFound("\(owner)/\(name)"), status: .notFound)
                }
                return Self.respond(page)
            } catch {
                return ControllerHTTP.historyBusy()
            }
        }
    }

    /// An HTML answer with the headers that keep it from loading or running anything else.
    static func respond(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: DashboardAssets.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer",
        ]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    /// The history, or what went wrong reading it (the page shows it).
    ///
    /// - Throws: ``ConcurrencyLimit/Full`` when too many reads wait: the whole page is refused (503), as
    ///   `GET /history` is, rather than drawn without its history.
    func historyEntries(model: String?, limit: Int) async throws(ConcurrencyLimit.Full) -> Result<[HistoryEntry], any Error> {
        do {
            return .success(try await history.records(model: model, limit: limit))
        } catch let full as ConcurrencyLimit.Full {
            throw full
        } catch {
            return .failure(error)
        }
    }
}

// HTTPField itself is not re-exported by Hummingbird; reach its name type through HTTPFields.
extension HTTPFields.Element.Name {
    /// Keeps the page's links from telling other sites where they came from.
    static let referrerPolicy = Self("Referrer-Policy")!
}
