/// What `GET /_emulator/stats` answers: how many requests the emulator served, and how.
public struct EmulatorStats: Codable, Sendable, Equatable {
    /// The number of answers with one method, route template and status.
    public struct Entry: Codable, Sendable, Equatable, Hashable {
        /// The HTTP method, e.g. `GET`.
        public var method: String
        /// The route template, e.g. `/v1/models/{owner}/{name}/versions`; `NotFound` for unknown paths.
        public var route: String
        /// The answer's status code.
        public var status: Int
        /// How many such answers were sent.
        public var count: Int

        /// Creates an entry.
        public init(method: String, route: String, status: Int, count: Int) {
            self.method = method
            self.route = route
            self.status = status
            self.count = count
        }
    }

    /// One entry per method, route template and status, sorted by route, method and status.
    public var requests: [Entry]
    /// How many requests were refused with 429.
    public var rateLimited: Int
    /// How many requests were answered in all.
    public var total: Int

    /// Creates stats.
    public init(requests: [Entry], rateLimited: Int, total: Int) {
        self.requests = requests
        self.rateLimited = rateLimited
        self.total = total
    }

    /// The number of answers with `method`, `route` and, if given, `status`.
    public func count(method: String, route: String, status: Int? = nil) -> Int {
        requests.filter { $0.method == method && $0.route == route && (status == nil || $0.status == status) }
            .reduce(0) { $0 + $1.count }
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case rateLimited = "rate_limited"
        case total
    }
}
