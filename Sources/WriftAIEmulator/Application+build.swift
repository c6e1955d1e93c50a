import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import WriftAIModels

/// Builds the emulator: a Hummingbird application serving the WriftAI API from `storage`.
///
/// Run it like any Hummingbird application (`runService()` or inside a `ServiceGroup`); stop it with the
/// group's graceful shutdown. ``withRunningEmulator(configuration:storage:logger:_:)`` does all that for tests.
///
/// - Parameters:
///   - configuration: Address, users, rate limits, faults and initial models.
///   - storage: Where models and versions live.
///   - logger: The application's logger; by default `wriftai-emulator` at `info`.
///   - onServerRunning: Called once with the bound port when the server accepts connections.
/// - Throws: ``EmulatorStartFailure`` when the TLS certificate or key of ``EmulatorConfiguration/Server/tls``
///   cannot be read.
public func buildEmulatorApplication(
    configuration: EmulatorConfiguration,
    storage: some EmulatorStorage,
    logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let tlsConfiguration = try serverTLSConfiguration(configuration.server.tls)
    let recorder = StatsRecorder()
    let clock = configuration.clock
    let router = Router(context: EmulatorRequestContext.self)

    // Registered before the middleware, which only wraps routes added after it.
    StatsRoutes(recorder: recorder).register(on: router)

    // Outermost first: stats see every final status, 429s included.
    if configuration.hostile.neverAnswer {
        router.add(middleware: NeverAnswerMiddleware(recorder: recorder))
    }
    router.add(middleware: StatsMiddleware(recorder: recorder))
    router.add(middleware: AuthenticationMiddleware(usersByToken: configuration.authentication.usersByToken))
    if configuration.hostile.changesRequests {
        router.add(middleware: HostileMiddleware(hostile: configuration.hostile, clock: clock))
    }
    let injector = FaultInjector(faults: configuration.faults)
    // Outside the rate limiter, whose headers would otherwise replace the storm's.
    router.add(middleware: ThrottleMiddleware(
        injector: injector, limit: configuration.rateLimit.authenticated > 0 ? configuration.rateLimit.authenticated : 3, clock: clock))
    router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(), limits: configuration.rateLimit, clock: clock))
    // On the real clock, the last of each answer's latency is waited out by its connection's event loop.
    let latency = configuration.faults.latencyMilliseconds
    let holdsInPipeline = latency > 0 && clock.isSystem
    router.add(middleware: FaultInjectionMiddleware(injector: injector, clock: clock, holdsInPipeline: holdsInPipeline))
    router.add(middleware: ErrorMiddleware())
    let predictions = PredictionStore(settings: configuration.predictions, clock: clock)
    EmulatorRoutes(storage: storage, configuration: configuration, predictions: predictions).register(on: router)

    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: holdsInPipeline ? [AnswerHoldHandler(latency: .milliseconds(Int64(latency)))] : []
    )
    var application = Application(
        router: router,
        // HTTP/1.1, over TLS when configured.
        server: try tlsConfiguration.map { try .tls(.http1(configuration: http1), tlsConfiguration: $0) } ?? .http1(configuration: http1),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.server.host, port: configuration.server.port),
            serverName: "wriftai-emulator"
        ),
        onServerRunning: { channel in
            await onServerRunning(channel.localAddress?.port ?? configuration.server.port)
        },
        logger: logger ?? Logger(label: "wriftai-emulator")
    )
    let initialModels = configuration.initialModels
    application.beforeServerStarts {
        for initial in initialModels {
            let record = ModelRecord(
                id: StableID.of("model:\(initial.owner)/\(initial.name)"),
                owner: initial.owner,
                name: initial.name,
                visibility: initial.visibility,
                createdAt: Timestamp.now(clock)
            )
            // An existing model (e.g. loaded from the state file) is kept as it is.
            _ = try await storage.createModel(record)
        }
    }
    return application
}

/// The server side of TLS with the configured certificate and key; `nil` for plain HTTP.
private func serverTLSConfiguration(_ tls: EmulatorConfiguration.TLS?) throws -> TLSConfiguration? {
    guard let tls else { return nil }
    let chain: [NIOSSLCertificate]
    do {
        chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainFile)
    } catch {
        throw EmulatorStartFailure(
            description: "cannot read the TLS certificate \(tls.certificateChainFile) (a PEM file is expected): \(error)")
    }
    guard !chain.isEmpty else {
        throw EmulatorStartFailure(description: "the TLS certificate file \(tls.certificateChainFile) holds no PEM certificate")
    }
    let key: NIOSSLPrivateKey
    do {
        key = try NIOSSLPrivateKey(file: tls.privateKeyFile, format: .pem)
    } catch {
        throw EmulatorStartFailure(
            description: "cannot read the TLS private key \(tls.privateKeyFile) (an unencrypted PEM key is expected): \(error)")
    }
    return TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) },
        privateKey: .privateKey(key)
    )
}
