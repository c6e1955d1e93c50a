/// Everything that shapes how an emulator behaves. Every setting has a default, so `EmulatorConfiguration()`
/// is a working emulator on a free loopback port with no users.
public struct EmulatorConfiguration: Sendable {
    /// Where the emulator listens.
    public struct Server: Sendable {
        /// The address to bind; only loopback addresses make sense for a test server.
        public var host: String
        /// The port to bind; 0 picks a free port, reported once the server runs.
        public var port: Int
        /// Serve HTTPS with this certificate and key instead of plain HTTP.
        public var tls: TLS?

        /// Creates server settings.
        public init(host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil) {
            self.host = host
            self.port = port
            self.tls = tls
        }
    }

    /// The certificate and private key of an HTTPS emulator, as PEM files.
    ///
    /// Clients check the certificate against the name in the URL, so on loopback it should be issued for
    /// `localhost` (``RunningEmulator/baseURL`` then says `https://localhost:PORT/v1`).
    public struct TLS: Sendable {
        /// The server certificate, optionally followed by intermediate certificates (PEM).
        public var certificateChainFile: String
        /// The certificate's private key (PEM, unencrypted).
        public var privateKeyFile: String

        /// Creates TLS settings.
        public init(certificateChainFile: String, privateKeyFile: String) {
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
        }
    }

    /// Who may call the API.
    public struct Authentication: Sendable {
        /// Bearer tokens and the user name each stands for.
        public var usersByToken: [String: String]

        /// Creates authentication settings.
        public init(usersByToken: [String: String] = [:]) {
            self.usersByToken = usersByToken
        }
    }

    /// How many requests each caller may make per one-second window; 0 turns a limit off.
    public struct RateLimit: Sendable {
        /// Requests per second for each valid token.
        public var authenticated: Int
        /// Requests per second for all callers without a valid token, together.
        public var unauthenticated: Int

        /// Creates rate limits; the defaults are the real API's.
        public init(authenticated: Int = 3, unauthenticated: Int = 1) {
            self.authenticated = authenticated
            self.unauthenticated = unauthenticated
        }

        /// No rate limiting at all.
        public static var off: RateLimit { RateLimit(authenticated: 0, unauthenticated: 0) }
    }

    /// Misbehaviour to inject into `/v1` answers, drawn from a seeded generator so runs repeat.
    public struct Faults: Sendable {
        /// Time each request takes to answer, in milliseconds: half passes before it is acted on, the rest
        /// after (the emulator's own work included).
        public var latencyMilliseconds: Int
        /// Probability (0–1) of answering 503 without acting.
        public var failRate: Double
        /// Probability (0–1) of acting and then answering 502, losing the real answer.
        public var loseResponseRate: Double
        /// Leave `container_image_digest` out of list items, like older servers.
        public var legacyList: Bool
        /// Seed of the generators that decide which requests fail.
        public var seed: UInt64
        /// Answer a list request that has a cursor with that same cursor as `next_cursor` (while older
        /// versions remain), like a broken server whose pagination never advances.
        public var repeatCursor: Bool
        /// Probability (0–1) of closing the connection without answering; a seeded draw decides whether
        /// the request is acted on first (half of the resets) or not.
        public var resetRate: Double
        /// Probability (0–1) of acting and then holding the answer back for ``slowMilliseconds``, so that
        /// a client with a shorter timeout gives up on a request that did take effect.
        public var slowRate: Double
        /// How long a slow answer is held back, in milliseconds.
        public var slowMilliseconds: Int
        /// A rate-limit storm: once ``throttleAfter`` requests were answered, every request is refused
        /// with 429 for this many seconds, its `x-ratelimit-reset` naming the storm's end; 0 is off.
        public var throttleSeconds: Int
        /// How many requests are answered normally before the storm of ``throttleSeconds`` begins.
        public var throttleAfter: Int

        /// Creates fault settings; the defaults inject nothing.
        public init(
            latencyMilliseconds: Int = 0,
            failRate: Double = 0,
            loseResponseRate: Double = 0,
            legacyList: Bool = false,
            seed: UInt64 = 0,
            repeatCursor: Bool = false,
            resetRate: Double = 0,
            slowRate: Double = 0,
            slowMilliseconds: Int = 0,
            throttleSeconds: Int = 0,
            throttleAfter: Int = 0
        ) {
            self.latencyMilliseconds = latencyMilliseconds
            self.failRate = failRate
            self.loseResponseRate = loseResponseRate
            self.legacyList = legacyList
            self.seed = seed
            self.repeatCursor = repeatCursor
            self.resetRate = resetRate
            self.slowRate = slowRate
            self.slowMilliseconds = slowMilliseconds
            self.throttleSeconds = throttleSeconds
            self.throttleAfter = throttleAfter
        }
    }

    /// What a new version gets when the request leaves something out and nothing can be inherited.
    public struct VersionDefaults: Sendable {
        /// The configuration of a model's first version when its create request has none.
        public var configuration: VersionConfigurationDefault

        /// Creates version defaults.
        public init(configuration: VersionConfigurationDefault = VersionConfigurationDefault()) {
            self.configuration = configuration
        }
    }

    /// The configuration given to a first version created without one.
    public struct VersionConfigurationDefault: Sendable {
        /// The hardware identifier.
        public var hardwareIdentifier: String
        /// The variable names.
        public var variableNames: [String]

        /// Creates the default configuration.
        public init(hardwareIdentifier: String = "cpu", variableNames: [String] = []) {
            self.hardwareIdentifier = hardwareIdentifier
            self.variableNames = variableNames
        }
    }

    /// How predictions run: how long they take, and which versions misbehave.
    public struct Predictions: Sendable {
        /// How long a prediction takes from its creation to its end, in milliseconds: `pending` for the
        /// first quarter, `starting` for the second, `started` for the second half, then terminal. 0 ends
        /// it at once.
        public var durationMilliseconds: Int
        /// Digests of versions whose predictions fail (status `failed`, with an error object).
        public var failDigests: Set<String>
        /// Digests of versions whose predictions succeed with an output that violates the version's output
        /// schema.
        public var badOutputDigests: Set<String>
        /// The longest an answer is held for `Prefer: wait` (without a number, or with a larger one), in
        /// seconds.
        public var maxWaitSeconds: Double
        /// How many predictions are kept; beyond that the oldest are forgotten (`GET` answers 404).
        public var retention: Int

        /// Creates prediction settings; by default predictions take 200 ms, none misbehaves, waits are held
        /// for up to 60 s and the last 10,000 predictions are kept.
        public init(
            durationMilliseconds: Int = 200,
            failDigests: Set<String> = [],
            badOutputDigests: Set<String> = [],
            maxWaitSeconds: Double = 60,
            retention: Int = 10_000
        ) {
            self.durationMilliseconds = durationMilliseconds
            self.failDigests = failDigests
            self.badOutputDigests = badOutputDigests
            self.maxWaitSeconds = maxWaitSeconds
            self.retention = retention
        }
    }

    /// Where the emulator listens.
    public var server: Server
    /// Who may call the API.
    public var authentication: Authentication
    /// Per-caller request limits.
    public var rateLimit: RateLimit
    /// Injected misbehaviour.
    public var faults: Faults
    /// Defaults for new versions.
    public var versionDefaults: VersionDefaults
    /// Models to create at start if the storage lacks them.
    public var initialModels: [InitialModel]
    /// How predictions run.
    public var predictions: Predictions
    /// Lies to tell (see ``Hostile``); none by default.
    public var hostile: Hostile
    /// Where the emulator takes its time from (see ``EmulatorClock``); the real clocks by default.
    public var clock: EmulatorClock

    /// Creates a configuration.
    public init(
        server: Server = Server(),
        authentication: Authentication = Authentication(),
        rateLimit: RateLimit = RateLimit(),
        faults: Faults = Faults(),
        versionDefaults: VersionDefaults = VersionDefaults(),
        initialModels: [InitialModel] = [],
        predictions: Predictions = Predictions(),
        hostile: Hostile = Hostile(),
        clock: EmulatorClock = .system
    ) {
        self.server = server
        self.authentication = authentication
        self.rateLimit = rateLimit
        self.faults = faults
        self.versionDefaults = versionDefaults
        self.initialModels = initialModels
        self.predictions = predictions
        self.hostile = hostile
        self.clock = clock
    }
}
