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

    /// One answer, in the order they were sent.
    public struct Answer: Codable, Sendable, Equatable, Hashable {
        /// 1 for the first answer since the start or the last reset.
        public var sequence: Int
        public var method: String
        public var route: String
        public var status: Int

        public init(sequence: Int, method: String, route: String, status: Int) {
            self.sequence = sequence
            self.method = method
            self.route = route
            self.status = status
        }
    }

    /// One entry per method, route template and status, sorted by route, method and status.
    public var requests: [Entry]
    /// The answers in the order they were sent (the newest 10,000), for tests that check what came first.
    public var order: [Answer] = []
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
        case order
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requests = try container.decode([Entry].self, forKey: .requests)
        rateLimited = try container.decode(Int.self, forKey: .rateLimited)
        total = try container.decode(Int.self, forKey: .total)
        order = try container.decodeIfPresent([Answer].self, forKey: .order) ?? []
    }
}
