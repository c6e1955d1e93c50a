import Hummingbird
import Logging
import ServiceLifecycle

/// The address of an emulator started by ``withRunningEmulator(configuration:storage:logger:_:)``.
public struct RunningEmulator: Sendable {
    /// The host it is bound to.
    public let host: String
    /// The port it is bound to (the real one when port 0 was asked for).
    public let port: Int
    /// Whether it serves HTTPS.
    public let tls: Bool

    /// Creates the address of an emulator listening on `host` and `port`.
    public init(host: String, port: Int, tls: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// The API's base URL, `http://HOST:PORT/v1`, or `https://localhost:PORT/v1` for an HTTPS emulator on
    /// loopback (certificates name hosts, and clients check the name in the URL).
    public var baseURL: String { "\(origin)/v1" }
    /// The stats URL, `http://HOST:PORT/_emulator/stats` (`https://localhost:…` as for ``baseURL``).
    public var statsURL: String { "\(origin)/_emulator/stats" }

    private var origin: String { "\(tls ? "https" : "http")://\(hostForURL):\(port)" }

    private var hostForURL: String {
        if tls, Self.isLoopback(host) { return "localhost" }
        return host.contains(":") ? "[\(host)]" : host
    }

    /// Whether `host` is a loopback address, which an HTTPS URL names `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// Why an emulator did not start.
public struct EmulatorStartFailure: Error, CustomStringConvertible {
    /// What happened.
    public let description: String
}

/// Starts an emulator, runs `body` with its address once it accepts connections, then shuts it down
/// gracefully and waits for it to stop.
///
/// With the default configuration it listens on a free port of 127.0.0.1; with
/// ``EmulatorConfiguration/Server/tls`` it serves HTTPS.
public func withRunningEmulator<Value: Sendable>(
    configuration: EmulatorConfiguration = EmulatorConfiguration(),
    storage: some EmulatorStorage,
    logger: Logger = Logger(label: "wriftai-emulator"),
    _ body: (RunningEmulator) async throws -> Value
) async throws -> Value {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = try buildEmulatorApplication(
        configuration: configuration,
        storage: storage,
        logger: logger,
        onServerRunning: { port in portContinuation.yield(port) }
    )
    let serviceGroup = ServiceGroup(
        configuration: ServiceGroupConfiguration(services: [application], gracefulShutdownSignals: [], logger: logger)
    )
    return try await withThrowingTaskGroup(of: Void.self, returning: Value.self) { group in
        group.addTask {
            // Finishing the stream tells the waiter below that the server stopped (or never started).
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.waitForAll()
            throw EmulatorStartFailure(description: "the emulator stopped before accepting connections")
        }
        let emulator = RunningEmulator(host: configuration.server.host, port: port, tls: configuration.server.tls != nil)
        let value: Value
        do {
            value = try await body(emulator)
        } catch {
            await serviceGroup.triggerGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
        await serviceGroup.triggerGracefulShutdown()
        try await group.waitForAll()
        return value
    }
}
