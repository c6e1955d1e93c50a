import ArgumentParser
import Foundation
import Metrics
import WriftAI

/// The flags every subcommand that talks to the WriftAI API shares.
struct APIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("WriftAI API base URL (default: $WRIFTAI_API_BASE_URL, else https://api.wrift.ai/v1).", valueName: "url"))
    var apiUrl: String?

    @Option(name: .long, help: ArgumentHelp("File holding the API token (default: $WRIFTAI_ACCESS_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Most requests per second to the API, shared by the processes using one token and cache directory (a lower limit in the server's headers is followed too); at least 0.001.", valueName: "n"))
    var rateLimit: Double = 3

    @Option(name: .long, help: ArgumentHelp("API requests in flight at once.", valueName: "n"))
    var concurrency: Int = 4

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates (PEM) to trust for the API, added to the system's.", valueName: "file"))
    var apiCaFile: String?

    @Option(name: .long, help: ArgumentHelp("How long one API request may take, from connecting to the last byte of the answer, before it counts as timed out (a create that times out is resolved by its digest, never resent blindly).", valueName: "seconds"))
    var apiTimeout: Double = 60

    @Option(name: .long, help: ArgumentHelp("The most time all API work may take (requests, retries and rate-limit waits together); then the command stops with a deadline error. Default: no limit.", valueName: "seconds"))
    var deadline: Double?

    @Option(name: .long, help: ArgumentHelp("The longest wait for the API's rate-limit reset; a later reset fails the request at once.", valueName: "seconds"))
    var maxRateLimitWait: Double = 60

    @Option(name: .long, help: ArgumentHelp("How long a create whose answer was lost is looked for by its digest (the listing read again with backoff) before it is sent again.", valueName: "seconds"))
    var createSettle: Double = 10

    @Flag(name: .long, help: "Allow a plain http:// API URL on a host that is not loopback (the token would travel unencrypted).")
    var insecureHttp = false

    func validate() throws {
        // A rate near zero makes a wait between requests that no duration holds.
        let slowest = WriftAIClient.Configuration.Pacing.minimumRequestsPerSecond
        guard rateLimit >= slowest, rateLimit.isFinite else {
            throw ValidationError("--rate-limit must be at least \(slowest) requests per second (one every \(Int((1 / slowest).rounded())) s).")
        }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be positive.") }
        // At most a year each: nanoseconds of larger values would not fit the durations they become.
        let year = 31_536_000.0
        guard createSettle >= 0, createSettle <= year else { throw ValidationError("--create-settle must be 0 or more (seconds, at most a year).") }
        guard apiTimeout > 0, apiTimeout <= year else {
            throw ValidationError("--api-timeout must be positive (seconds, at most a year).")
        }
        guard maxRateLimitWait >= 0, maxRateLimitWait <= year else {
            throw ValidationError("--max-rate-limit-wait must be 0 or more (seconds, at most a year).")
        }
        if let deadline {
            guard deadline > 0, deadline <= year else {
                throw ValidationError("--deadline must be positive (seconds, at most a year).")
            }
        }
    }

    /// `--deadline` as a duration, `nil` without one.
    var deadlineDuration: Duration? {
        deadline.map { .nanoseconds(Int64($0 * 1e9)) }
    }

    /// A client configured from these flags and the environment. The caller shuts it down.
    /// `metricsFactory` receives its request counter (`nil`: the process-wide `MetricsSystem`).
    /// `sharedPacingDirectory` is the cache directory (`--cache-dir`, else its default): every process
    /// using the same token and cache directory then paces within one rate-limit window; `nil` paces this
    /// process alone.
    ///
    /// Fails before any request when no token is given (neither `$WRIFTAI_ACCESS_TOKEN` nor
    /// `--token-file`) or the token cannot be one. With `deadlineFromStart` (one-shot commands), `--deadline`
    /// bounds everything the client does from now on; a long-running caller passes `false` and bounds each
    /// unit of work with `client.withDeadline(_:_:)` and ``deadlineDuration`` instead.
    func makeClient(
        metricsFactory: (any MetricsFactory)? = nil, sharedPacingDirectory: String? = nil, deadlineFromStart: Bool = true
    ) throws -> WriftAIClient {
        var configuration = try WriftAIClient.Configuration.fromEnvironment(tokenFile: tokenFile)
        try configuration.requireToken()
        if deadlineFromStart { configuration.deadline = deadlineDuration }
        if let apiUrl { configuration.server.baseURL = apiUrl }
        configuration.server.allowInsecureHTTP = insecureHttp
        configuration.server.additionalCAFile = apiCaFile
        configuration.pacing.requestsPerSecond = rateLimit
        // --rate-limit is a ceiling: a server advertising a higher limit never speeds the client past it.
        configuration.pacing.maxRequestsPerSecond = rateLimit
        configuration.pacing.sharedStateDirectory = sharedPacingDirectory
        configuration.pacing.maxInFlight = concurrency
        configuration.timeouts.request = .nanoseconds(Int64(apiTimeout * 1e9))
        // Connecting is part of the request: an API that is down fails an attempt within the timeout
        // too (the HTTP client keeps retrying a refused connection until its connect timeout).
        configuration.timeouts.connect = min(configuration.timeouts.connect, configuration.timeouts.request)
        configuration.retry.maxRateLimitWait = .nanoseconds(Int64(maxRateLimitWait * 1e9))
        configuration.retry.createSettle = .nanoseconds(Int64(createSettle * 1e9))
        return try WriftAIClient(configuration: configuration, metricsFactory: metricsFactory)
    }

    var baseURL: String {
        apiUrl ?? ProcessInfo.processInfo.environment[WriftAIClient.Configuration.baseURLVariable] ?? WriftAIClient.Configuration.Server.defaultBaseURL
    }
}
