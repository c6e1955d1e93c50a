import Foundation

extension WriftAIClient {
    /// Everything that shapes a client, as nested values with working defaults.
    ///
    /// `Configuration(token: AccessToken("…"))` talks to the real API at 3 requests per second with
    /// 4 requests in flight; ``fromEnvironment(_:tokenFile:)`` reads the base URL and token from the
    /// environment.
    public struct Configuration: Sendable {
        /// Where the API is and how to reach it.
        public struct Server: Sendable {
            /// The default base URL of the real API.
            public static let defaultBaseURL = "https://api.wrift.ai/v1"

            /// The API's base URL, e.g. `https://api.wrift.ai/v1`; paths such as `/models/…` are appended.
            public var baseURL: String
            /// Allow a plain `http://` base URL on a host that is not loopback.
            ///
            /// Off by default, since the token would travel in clear text.
            public var allowInsecureHTTP: Bool
            /// A PEM file of certificate authorities trusted for HTTPS in addition to the system's.
            public var additionalCAFile: String?

            /// Creates server settings.
            public init(
                baseURL: String = Server.defaultBaseURL,
                allowInsecureHTTP: Bool = false,
                additionalCAFile: String? = nil
            ) {
                self.baseURL = baseURL
                self.allowInsecureHTTP = allowInsecureHTTP
                self.additionalCAFile = additionalCAFile
            }
        }

        /// How long requests may take.
        public struct Timeouts: Sendable {
            /// The time to open a connection.
            public var connect: Duration
            /// The time one attempt of a request may take from sending to the last byte of the answer.
            public var request: Duration

            /// Creates timeouts; the defaults are 10 s to connect and 60 s per request.
            public init(connect: Duration = .seconds(10), request: Duration = .seconds(60)) {
                self.connect = connect
                self.request = request
            }
        }

        /// How fast the client sends requests.
        public struct Pacing: Sendable {
            /// Requests per second before the server has said its limit; `nil` sends as fast as allowed
            /// by ``maxInFlight`` until the server reports a limit.
            public var requestsPerSecond: Double?
            /// How many requests may go out back to back before the rate applies; 1 spaces all of them.
            public var burst: Int
            /// Adopt the server's `x-ratelimit-limit` (per second) as the rate once it has reported one.
            public var followServerLimit: Bool
            /// The most requests waiting for an answer at once.
            public var maxInFlight: Int
            /// Extra time to wait past the server's `x-ratelimit-reset`, against clock differences.
            public var resetMargin: Duration
            /// The fastest the client ever sends, whatever the server advertises: a server's
            /// `x-ratelimit-limit` may lower the rate below it, never raise it above. `nil` lets a higher
            /// server limit raise the rate above ``requestsPerSecond``.
            public var maxRequestsPerSecond: Double?
            /// A directory shared by every process that should pace together, such as WriftSync's cache
            /// directory. Processes using the same token against the same API host then keep one view of
            /// the server's rate-limit window in `<directory>/api/<host>/ratelimit-<hash of the token>.json`
            /// (never the token itself), so a process started right after another continues its window
            /// instead of drawing 429s with a fresh bucket. `nil` paces this client alone.
            public var sharedStateDirectory: String?

            /// The slowest rate accepted for ``requestsPerSecond`` and ``maxRequestsPerSecond``: one request
            /// every 1,000 s. Slower is no use to anyone, and a rate near zero makes waits no duration can hold.
            public static let minimumRequestsPerSecond = 0.001

            /// Creates pacing settings; the defaults are the real API's 3 requests per second, no
            /// bursts, following the server's headers, 4 requests in flight, no maximum and no sharing.
            public init(
                requestsPerSecond: Double? = 3,
                burst: Int = 1,
                followServerLimit: Bool = true,
                maxInFlight: Int = 4,
                resetMargin: Duration = .milliseconds(20),
                maxRequestsPerSecond: Double? = nil,
                sharedStateDirectory: String? = nil
            ) {
                self.requestsPerSecond = requestsPerSecond
                self.burst = burst
                self.followServerLimit = followServerLimit
                self.maxInFlight = maxInFlight
                self.resetMargin = resetMargin
                self.maxRequestsPerSecond = maxRequestsPerSecond
                self.sharedStateDirectory = sharedStateDirectory
            }
        }

        /// How lists are read, and how long a listing may be.
        public struct Pagination: Sendable {
            /// The page size ``WriftAIClient/allVersions(_:)`` asks for (the API allows 5 to 50).
            public var pageSize: Int
            /// The most versions one listing may hold; a longer one stops with an error rather than
            /// growing without bound.
            public var maxItems: Int
            /// The most pages one listing may take; `nil` (the default) allows
            /// ⌈``maxItems`` / ``pageSize``⌉ + ``pageSlack``, so that a server handing out a fresh cursor
            /// on every page (even empty ones) cannot make a listing run for hours.
            public var maxPages: Int?
            /// The longest `next_cursor` accepted, in bytes; real cursors are short.
            public var maxCursorLength: Int

            /// Pages allowed beyond ⌈maxItems / pageSize⌉ when ``maxPages`` is `nil`: versions created
            /// while the listing runs, and short pages.
            public static let pageSlack = 10

            /// Creates pagination settings; the defaults are pages of 50, at most 10,000 versions and so
            /// 210 pages, and cursors of at most 4,096 bytes.
            public init(pageSize: Int = 50, maxItems: Int = 10_000, maxPages: Int? = nil, maxCursorLength: Int = 4096) {
                self.pageSize = pageSize
                self.maxItems = maxItems
                self.maxPages = maxPages
                self.maxCursorLength = maxCursorLength
            }

            /// The page bound in force: ``maxPages``, or ⌈maxItems / pageSize⌉ + ``pageSlack``.
            public var pageLimit: Int {
                if let maxPages { return maxPages }
                let size = max(1, pageSize)
                let pages = maxItems / size + (maxItems % size == 0 ? 0 : 1)
                // Saturating: a maxItems near Int.max must not trap.
                let (limit, overflow) = pages.addingReportingOverflow(Self.pageSlack)
                return overflow ? Int.max : limit
            }
        }

        /// Bounds on what one answer may cost.
        public struct Limits: Sendable {
            /// The largest answer body read, in bytes; a larger one (announced by `Content-Length` or
            /// found while reading) fails the request without being kept.
            public var maxAnswerBytes: Int

            /// Creates limits; the default is 16 MiB, far above any answer of the API.
            public init(maxAnswerBytes: Int = 16 * 1024 * 1024) {
                self.maxAnswerBytes = maxAnswerBytes
            }
        }

        /// The version sent in `User-Agent`.
        public static let clientVersion = "0.1.0"

        /// Where the API is.
        public var server: Server
        /// The bearer token; `nil` sends no `Authorization` header (every API call then answers 401).
        public var token: AccessToken?
        /// The `User-Agent` header, `wriftsync/<version>` by default.
        public var userAgent: String
        /// Connect and request timeouts.
        public var timeouts: Timeouts
        /// When and how long to wait before retrying a failed request.
        public var retry: RetryPolicy
        /// Request rate and concurrency.
        public var pacing: Pacing
        /// Page size and bounds of listings.
        public var pagination: Pagination
        /// Bounds on one answer.
        public var limits: Limits
        /// The most time everything the client does may take, counted from the client's creation:
        /// requests, retries, rate-limit waits. `nil` (the default) sets no such limit. For a one-shot
        /// command; a long-running caller bounds each unit of work with ``WriftAIClient/withDeadline(_:_:)``.
        public var deadline: Duration?

        /// Creates a configuration.
        public init(
            server: Server = Server(),
            token: AccessToken? = nil,
            userAgent: String = "wriftsync/\(Configuration.clientVersion)",
            timeouts: Timeouts = Timeouts(),
            retry: RetryPolicy = RetryPolicy(),
            pacing: Pacing = Pacing(),
            pagination: Pagination = Pagination(),
            limits: Limits = Limits(),
            deadline: Duration? = nil
        ) {
            self.server = server
            self.token = token
            self.userAgent = userAgent
            self.timeouts = timeouts
            self.retry = retry
            self.pacing = pacing
            self.pagination = pagination
            self.limits = limits
            self.deadline = deadline
        }

        /// The environment variable naming the base URL.
        public static let baseURLVariable = "WRIFTAI_API_BASE_URL"
        /// The environment variable holding the token.
        public static let tokenVariable = "WRIFTAI_ACCESS_TOKEN"

        /// A default configuration with the base URL from `WRIFTAI_API_BASE_URL` and the token from
        /// `tokenFile` if given, else from `WRIFTAI_ACCESS_TOKEN`; without either, no token.
        ///
        /// - Throws: ``WriftAIError/configuration(_:)`` when the token file cannot be read, or the token
        ///   (from either place) is empty, holds whitespace or control characters, or starts with
        ///   `Bearer ` — naming where it came from, never its value.
        public static func fromEnvironment(
            _ environment: [String: String] = ProcessInfo.processInfo.environment,
            tokenFile: String? = nil
        ) throws(WriftAIError) -> Configuration {
            var configuration = Configuration()
            if let baseURL = environment[baseURLVariable], !baseURL.isEmpty {
                configuration.server.baseURL = baseURL
            }
            if let tokenFile {
                configuration.token = try AccessToken(contentsOfFile: tokenFile)
            } else if let token = environment[tokenVariable], !token.isEmpty {
                configuration.token = try AccessToken(validating: token, from: .environment(tokenVariable))
            }
            return configuration
        }

        /// Fails unless a token is set: every call of the API needs one, so finding out from a 401 (or,
        /// with a wrong base URL, from a DNS error after retries) wastes the user's time.
        ///
        /// - Throws: ``WriftAIError/configuration(_:)`` naming both ways to give a token.
        public func requireToken() throws(WriftAIError) {
            guard token == nil else { return }
            throw .configuration(
                "no WriftAI access token: set $\(Self.tokenVariable) or pass --token-file FILE (a file holding "
                    + "the token) — nothing was sent to the API")
        }

        /// Checks the settings the client cannot work with, and the base URL's safety.
        ///
        /// - Returns: The base URL without a trailing `/`.
        /// - Throws: ``WriftAIError/configuration(_:)`` naming the problem.
        func validatedBaseURL() throws(WriftAIError) -> String {
            var base = server.baseURL
            while base.hasSuffix("/") { base.removeLast() }
            guard let components = URLComponents(string: base), let scheme = components.scheme?.lowercased(),
                let host = components.host, !host.isEmpty
            else {
                throw .configuration("invalid API base URL '\(Self.displayable(base))'")
            }
            guard components.query == nil, components.fragment == nil, components.user == nil,
                components.password == nil
            else {
                throw .configuration(
                    "the API base URL '\(Self.displayable(base))' must not have credentials, a query or a fragment")
            }
            switch scheme {
            case "https":
                break
            case "http":
                guard server.allowInsecureHTTP || Self.isLoopback(host) else {
                    throw .configuration(
                        "refusing plain http:// to \(host): the token would travel unencrypted; use https://, "
                            + "a loopback host, or allow insecure HTTP explicitly with --insecure-http")
                }
            default:
                throw .configuration("the API base URL must use https:// (or http:// on loopback), not \(scheme)://")
            }
            guard pacing.maxInFlight >= 1 else { throw .configuration("maximum requests in flight must be 1 or more") }
            guard pacing.burst >= 1 else { throw .configuration("pacing burst must be 1 or more") }
            let slowest = Pacing.minimumRequestsPerSecond
            if let rate = pacing.requestsPerSecond, !(rate >= slowest && rate.isFinite) {
                throw .configuration("requests per second must be at least \(slowest) (one request every \(Int((1 / slowest).rounded())) s) and finite")
            }
            if let rate = pacing.maxRequestsPerSecond, !(rate >= slowest && rate.isFinite) {
                throw .configuration("the maximum requests per second must be at least \(slowest) (one request every \(Int((1 / slowest).rounded())) s) and finite")
            }
            if let directory = pacing.sharedStateDirectory, directory.isEmpty {
                throw .configuration("the shared pacing state directory must not be empty")
            }
            guard (5...50).contains(pagination.pageSize) else {
                throw .configuration("page size must be between 5 and 50")
            }
            guard pagination.pageLimit >= 1 else { throw .configuration("maximum pages must be 1 or more") }
            guard pagination.maxItems >= 1 else { throw .configuration("maximum versions per listing must be 1 or more") }
            guard pagination.maxCursorLength >= 1 else { throw .configuration("maximum cursor length must be 1 or more") }
            guard limits.maxAnswerBytes >= 1024 else { throw .configuration("maximum answer size must be 1 KiB or more") }
            if let deadline, deadline <= .zero { throw .configuration("the deadline must be positive") }
            guard retry.maxRetries >= 0 else { throw .configuration("retries must not be negative") }
            return base
        }

        /// Whether `host` is a loopback address: 127.0.0.0/8, ::1 or localhost.
        static func isLoopback(_ host: String) -> Bool {
            var host = host.lowercased()
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host == "localhost" || host.hasSuffix(".localhost") { return true }
            if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets[0] == "127" else { return false }
            return octets.allSatisfy { octet in
                guard let value = Int(octet), octet.allSatisfy(\.isASCII) else { return false }
                return (0...255).contains(value)
            }
        }

        /// A URL with any userinfo removed, for messages.
        private static func displayable(_ url: String) -> String {
            guard var components = URLComponents(string: url), components.user != nil || components.password != nil
            else { return url }
            components.user = nil
            components.password = nil
            return components.string ?? "<invalid URL>"
        }
    }
}
