import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WriftAIEmulator
import WriftAIModels

/// `wriftai-emulator`: serves a local WriftAI API until SIGINT or SIGTERM.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wriftai-emulator",
        abstract: "Serve a local emulation of the WriftAI API, with rate limits and fault injection.",
        discussion: EmulatorHelp.discussion,
        version: EmulatorVersion.string
    )

    @Option(help: ArgumentHelp("Address to bind.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to bind; 0 picks a free port (the `listening on` line names it).", valueName: "port"))
    var port = 0

    @Option(name: .customLong("token"), help: ArgumentHelp("A user and their bearer token (repeatable).", valueName: "user=token"))
    var tokens: [String] = []

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file of user=token lines (# starts a comment).", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("A private model to create at start (repeatable).", valueName: "owner/name"))
    var models: [String] = []

    @Option(help: ArgumentHelp("Load the state from this file at start and journal every change to it, flushed to disk before the answer (compacted now and then; a file of the older one-document format is read and converted at the first change).", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Requests per second per token; 0 turns the limit off.", valueName: "n"))
    var rateLimit = 3

    @Option(help: ArgumentHelp("Requests per second for callers without a valid token; 0 turns the limit off.", valueName: "n"))
    var unauthenticatedRateLimit = 1

    @Option(help: ArgumentHelp("Time each API request takes to answer, in milliseconds: half before acting, the rest after.", valueName: "ms"))
    var latencyMs = 0

    @Option(help: ArgumentHelp("Probability (0-1) of answering 503 without acting.", valueName: "probability"))
    var failRate = 0.0

    @Option(help: ArgumentHelp("Probability (0-1) of acting and then answering 502.", valueName: "probability"))
    var loseResponseRate = 0.0

    @Option(help: ArgumentHelp("Probability (0-1) of closing the connection without answering (half before acting, half after).", valueName: "probability"))
    var resetRate = 0.0

    @Option(help: ArgumentHelp("Probability (0-1) of acting, then holding the answer back for --slow-ms.", valueName: "probability"))
    var slowRate = 0.0

    @Option(help: ArgumentHelp("How long a slow answer (--slow-rate) is held back, in milliseconds.", valueName: "ms"))
    var slowMs = 0

    @Option(help: ArgumentHelp("A rate-limit storm: refuse every request with 429 for this long (x-ratelimit-reset names its end); 0 is off.", valueName: "seconds"))
    var throttleFor = 0

    @Option(help: ArgumentHelp("Requests answered normally before the --throttle-for storm begins.", valueName: "n"))
    var throttleAfter = 0

    @Flag(help: "Leave container_image_digest out of list items, like older servers.")
    var legacyList = false

    @Flag(help: "Answer a list request that has a cursor with that same cursor as next_cursor, like a broken server.")
    var repeatCursor = false

    @Option(help: ArgumentHelp("How long each prediction takes from its creation to its end (pending, starting, started, then succeeded or failed), in milliseconds.", valueName: "ms"))
    var predictionMs = 200

    @Option(name: .customLong("prediction-fail"), help: ArgumentHelp("Predictions on the version with this image digest end as failed, with an error object (repeatable).", valueName: "digest"))
    var predictionFail: [String] = []

    @Option(name: .customLong("prediction-bad-output"), help: ArgumentHelp("Predictions on the version with this image digest succeed with an output that violates its output schema (repeatable).", valueName: "digest"))
    var predictionBadOutput: [String] = []

    @Option(help: ArgumentHelp("Seed of the fault generators.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Lie in listings: spoil every listed digest (unprefixed, trailing-space or uppercase).", valueName: "how"))
    var hostileDigest: String?

    @Option(help: ArgumentHelp("Lie in listings: listing OWNER/NAME answers with the versions of OTHER/NAME (repeatable).", valueName: "owner/name=other/name"))
    var hostileListOtherModel: [String] = []

    @Option(help: ArgumentHelp("Lie in listings: leave version N out of the first --hostile-omit-times listings that hold it.", valueName: "n"))
    var hostileOmitNumber: Int?

    @Option(help: ArgumentHelp("How many listings leave out --hostile-omit-number.", valueName: "n"))
    var hostileOmitTimes = 1

    @Option(help: ArgumentHelp("Lie in listings: send this JSON number (e.g. 9223372036854775807, 0, -1, 1.5) as the newest listed version's number.", valueName: "number"))
    var hostileNumber: String?

    @Flag(help: "Lie in listings: each page after the first repeats the last version of the page before.")
    var hostileRepeatItem = false

    @Option(help: ArgumentHelp("Lag listings behind writes: a version created less than MS milliseconds ago is not listed yet.", valueName: "ms"))
    var hostileListLagMs = 0

    @Flag(help: "Lose every create's answer: the version is made, the client gets a 502.")
    var hostileLoseCreateAnswers = false

    @Flag(help: "Lie in listings: never end; every page holds made-up valid versions and a new cursor.")
    var hostileFreshCursors = false

    @Option(help: ArgumentHelp("Pad every listed page with N bytes (an unknown field).", valueName: "n"))
    var hostilePadBytes = 0

    @Option(help: ArgumentHelp("The length of each --hostile-fresh-cursors cursor, in bytes.", valueName: "n"))
    var hostileCursorBytes = 32

    @Option(help: ArgumentHelp("Nest listed pages' items N arrays deep (past JSON parsers' 512 levels).", valueName: "n"))
    var hostileDeepJson = 0

    @Option(help: ArgumentHelp("Send every answer's body one byte per MS milliseconds.", valueName: "ms"))
    var hostileTrickleMs = 0

    @Option(help: ArgumentHelp("Put x-ratelimit-limit: N on every answer, whatever the real limit.", valueName: "n"))
    var hostileAdvertiseLimit: Int?

    @Option(name: .customLong("hostile-always-429"), help: ArgumentHelp("Refuse every request with 429, its x-ratelimit-reset SECONDS ahead.", valueName: "seconds"))
    var hostileAlways429 = 0

    @Option(help: ArgumentHelp("Refuse requests with 429 and a Retry-After HTTP-date until SECONDS after the first request.", valueName: "seconds"))
    var hostileRetryAfterDate = 0

    @Flag(help: "Receive requests and never answer them (until the emulator stops).")
    var hostileNeverAnswer = false

    @Option(name: .customLong("hostile-422-detail"), help: ArgumentHelp("Refuse every create and configuration update with 422 whose detail is a string or an object.", valueName: "shape"))
    var hostile422Detail: String?

    @Option(name: .customLong("hostile-404"), help: ArgumentHelp("Answer every request 404 with a body that is not the API's: html or generic ({\"detail\":\"Not Found\"}).", valueName: "body"))
    var hostile404: String?

    @Option(help: ArgumentHelp("Serve HTTPS with this certificate (PEM; needs --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The private key (PEM) of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard rateLimit >= 0, unauthenticatedRateLimit >= 0 else {
            throw ValidationError("rate limits must be 0 (off) or positive")
        }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
        guard (0...1).contains(failRate), (0...1).contains(loseResponseRate) else {
            throw ValidationError("--fail-rate and --lose-response-rate must be between 0 and 1")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither")
        }
        guard (0...1).contains(resetRate), (0...1).contains(slowRate) else {
            throw ValidationError("--reset-rate and --slow-rate must be between 0 and 1")
        }
        guard slowMs >= 0, throttleFor >= 0, throttleAfter >= 0 else {
            throw ValidationError("--slow-ms, --throttle-for and --throttle-after must not be negative")
        }
        guard predictionMs >= 0 else { throw ValidationError("--prediction-ms must not be negative") }
        for (flag, digests) in [("--prediction-fail", predictionFail), ("--prediction-bad-output", predictionBadOutput)] {
            for digest in digests where (try? Digest(normalizing: digest)) == nil {
                throw ValidationError("\(flag): '\(digest)' is not an image digest (sha256: and 64 hex digits)")
            }
        }
        _ = try makeHostile()
    }

    /// The `--hostile-…` flags, checked.
    private func makeHostile() throws -> EmulatorConfiguration.Hostile {
        func choice<Value: RawRepresentable & CaseIterable>(_ text: String?, _ flag: String) throws -> Value?
        where Value.RawValue == String {
            guard let text else { return nil }
            guard let value = Value(rawValue: text) else {
                let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("\(flag) must be one of \(names), not '\(text)'")
            }
            return value
        }
        var others: [String: String] = [:]
        for entry in hostileListOtherModel {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, NameRules.isValidModel(parts[0]), NameRules.isValidModel(parts[1]) else {
                throw ValidationError("--hostile-list-other-model expects OWNER/NAME=OTHER/NAME, not '\(entry)'")
            }
            others[parts[0]] = parts[1]
        }
        if let hostileNumber, !EmulatorConfiguration.Hostile.isJSONNumber(hostileNumber) {
            throw ValidationError("--hostile-number must be a JSON number, not '\(hostileNumber)'")
        }
        guard hostileOmitTimes >= 0, hostilePadBytes >= 0, hostileCursorBytes >= 0, hostileDeepJson >= 0,
            hostileTrickleMs >= 0, hostileAlways429 >= 0, hostileRetryAfterDate >= 0, hostileListLagMs >= 0
        else {
            throw ValidationError("--hostile-… counts, sizes and durations must not be negative")
        }
        return EmulatorConfiguration.Hostile(
            listedDigest: try choice(hostileDigest, "--hostile-digest"),
            listOtherModel: others,
            omitNumber: hostileOmitNumber,
            omitTimes: hostileOmitTimes,
            listedNumber: hostileNumber,
            repeatItemAcrossPages: hostileRepeatItem,
            listLagMilliseconds: hostileListLagMs,
            freshCursors: hostileFreshCursors,
            padBytes: hostilePadBytes,
            cursorBytes: hostileCursorBytes,
            deepJSON: hostileDeepJson,
            trickleMilliseconds: hostileTrickleMs,
            advertisedLimit: hostileAdvertiseLimit,
            alwaysRateLimitedSeconds: hostileAlways429,
            retryAfterDateSeconds: hostileRetryAfterDate,
            neverAnswer: hostileNeverAnswer,
            validationDetail: try choice(hostile422Detail, "--hostile-422-detail"),
            notFoundBody: try choice(hostile404, "--hostile-404"),
            loseCreateAnswers: hostileLoseCreateAnswers
        )
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let configuration = try makeConfiguration()
        let storage = try InMemoryEmulatorStorage(stateFile: state.map(StateFile.init(path:)))
        let logger = Logger(label: "wriftai-emulator")
        let application = try buildEmulatorApplication(
            configuration: configuration,
            storage: storage,
            logger: logger,
            onServerRunning: { [host, tls = configuration.server.tls] port in
                let url = RunningEmulator(host: host, port: port, tls: tls != nil).baseURL
                // Unbuffered, so a parent process reading the pipe sees the line at once.
                FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            }
        )
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await serviceGroup.run()
        } catch {
            // NIO's own words name neither the port nor what to do.
            if BindFailure.isAddressInUse(error) {
                FileHandle.standardError.write(Data("error: cannot listen on \(host):\(port): the port is busy (another process is listening on it). Stop that process, choose another --port, or pass --port 0 for a free one.\n".utf8))
                throw ExitCode.failure
            }
            throw error
        }
    }

    private func makeConfiguration() throws -> EmulatorConfiguration {
        var usersByToken: [String: String] = [:]
        var entries = tokens.map { ($0, "--token") }
        if let tokenFile {
            let text: String
            do {
                text = try String(contentsOfFile: tokenFile, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read --token-file \(tokenFile): \(error.localizedDescription)")
            }
            for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                entries.append((trimmed, "\(tokenFile):\(index + 1)"))
            }
        }
        for (entry, origin) in entries {
            guard let separator = entry.firstIndex(of: "=") else {
                throw ValidationError("\(origin): expected USER=TOKEN")
            }
            let user = String(entry[..<separator])
            let token = String(entry[entry.index(after: separator)...])
            guard !user.isEmpty, !token.isEmpty else { throw ValidationError("\(origin): expected USER=TOKEN") }
            usersByToken[token] = user
        }
        let initialModels = try models.map { identifier in
            do {
                return try InitialModel(parsing: identifier)
            } catch {
                throw ValidationError("--model: \(error)")
            }
        }
        return EmulatorConfiguration(
            server: .init(
                host: host,
                port: port,
                tls: tlsCert.map { EmulatorConfiguration.TLS(certificateChainFile: $0, privateKeyFile: tlsKey ?? "") }
            ),
            authentication: .init(usersByToken: usersByToken),
            rateLimit: .init(authenticated: rateLimit, unauthenticated: unauthenticatedRateLimit),
            faults: .init(
                latencyMilliseconds: latencyMs,
                failRate: failRate,
                loseResponseRate: loseResponseRate,
                legacyList: legacyList,
                seed: seed,
                repeatCursor: repeatCursor,
                resetRate: resetRate,
                slowRate: slowRate,
                slowMilliseconds: slowMs,
                throttleSeconds: throttleFor,
                throttleAfter: throttleAfter
            ),
            initialModels: initialModels,
            predictions: .init(
                durationMilliseconds: predictionMs,
                failDigests: Set(predictionFail.compactMap { try? Digest(normalizing: $0).value }),
                badOutputDigests: Set(predictionBadOutput.compactMap { try? Digest(normalizing: $0).value })
            ),
            hostile: try makeHostile()
        )
    }
}
