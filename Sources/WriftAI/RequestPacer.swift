import Foundation
import NIOCore
import Synchronization

/// The client's pace: every request of one client waits here for its turn.
///
/// A request goes out only when all of these hold, checked in first-come, first-served order:
/// - fewer than `maxInFlight` requests are waiting for an answer, or, with `readyAhead`, fewer than
///   `maxInFlight + readyAhead` have their turn: the transport holds the extra ones ready for the wire and
///   sends each on the first connection whose answer is complete (at most `maxInFlight` connections), so
///   that no task has to run between an answer and the next request;
/// - the rate allows it: the configured rate, or the server's `x-ratelimit-limit` per second once known
///   (never above ``WriftAIClient/Configuration/Pacing/maxRequestsPerSecond``), with bursts of at most
///   `burst` requests;
/// - the server's current window, as last reported by `x-ratelimit-remaining` and
///   `x-ratelimit-reset`, has room left. Requests still in flight when an answer reports `remaining`
///   may not have been counted in it yet, so they are subtracted: the estimate can only err low.
///
/// What the pacer knows is a ``PacingLedger``. With a ``SharedPacingFile`` the ledger lives in that file,
/// so every process using the same token and cache directory continues one window (a new process does
/// not start with a fresh bucket inside a window another one used up), and a process that knows nothing
/// sends its first request alone and paces from the answer's headers.
///
/// A window that ends further away than `maxWindowWait` is not waited for: the request at the head of
/// the queue fails at once with ``WindowTooFar`` (a 429 storm announcing a reset an hour away must not
/// hold an apply for an hour).
actor RequestPacer {
    /// The server's window has no room left and ends later than the pacer is willing to wait.
    struct WindowTooFar: Error {
        /// How long the request would have had to wait.
        let wait: Duration
    }

    /// A granted turn; hand it back with ``finish(_:observation:)`` once the answer (or failure) is in.
    struct Permit: Sendable {
        let id: UInt64
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Permit, any Error>
    }

    /// Holders that have not touched the shared ledger for this long are forgotten (their process may be
    /// alive but stuck, or its pid reused).
    static let staleHolderSeconds = 3600.0
    /// How long the pacer waits for the shared file's lock before pacing alone for one decision.
    static let lockPatience = Duration.seconds(1)
    private static let instances = Atomic<UInt64>(0)

    private let configuredRate: Double?
    private let maxRate: Double?
    private let burst: Int
    private let followServerLimit: Bool
    private let maxInFlight: Int
    /// How many turns are granted at once: requests in flight and requests ready behind them.
    private let maxGranted: Int
    private let resetMargin: Double
    private let maxWindowWait: Double
    private let clock = ContinuousClock()
    private let wallClock: @Sendable () -> Double
    private let shared: SharedPacingFile?
    /// Where the pump runs and whose timer it sleeps on (see ``startPumpIfNeeded()``); `nil` for the global
    /// executor and its timer.
    private let pumpExecutor: EventLoopExecutor?
    /// This pacer's key among the ledger's holders: `pid:instance`.
    private let holder: String
    /// While the first request goes alone, told at each new caller how many requests will be in flight as
    /// soon as its answer comes (that one and those waiting, up to `maxInFlight`): the client opens the
    /// connections they need meanwhile, rather than after the answer (2 ms more for the second round, traced).
    private let whileFirstRequestAlone: (@Sendable (Int) -> Void)?

    /// The ledger as last seen: the only one without a shared file, else a copy of the file's.
    private var ledger = PacingLedger()
    /// Whether any answer (or failure) came back yet.
    private var answered = false
    private var inFlight: Set<UInt64> = []
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0
    private var pumping = false
    /// Whether the pump waits for a slot only (every slot taken), so that an answer may grant the next turn.
    private var parkedForSlot = false
    private var changeSignal: CheckedContinuation<Void, Never>?

    init(
        pacing: WriftAIClient.Configuration.Pacing,
        maxWindowWait: Duration = .seconds(60),
        wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        shared: SharedPacingFile? = nil,
        pumpExecutor: EventLoopExecutor? = nil,
        readyAhead: Int = 0,
        whileFirstRequestAlone: (@Sendable (Int) -> Void)? = nil
    ) {
        self.configuredRate = pacing.requestsPerSecond
        self.maxRate = pacing.maxRequestsPerSecond
        self.burst = max(1, pacing.burst)
        self.followServerLimit = pacing.followServerLimit
        self.maxInFlight = max(1, pacing.maxInFlight)
        self.maxGranted = max(1, pacing.maxInFlight) + max(0, readyAhead)
        self.resetMargin = Self.seconds(pacing.resetMargin)
        self.maxWindowWait = Self.seconds(maxWindowWait)
        self.wallClock = wallClock
        self.shared = shared
        self.pumpExecutor = pumpExecutor
        self.whileFirstRequestAlone = whileFirstRequestAlone
        self.holder = "\(getpid()):\(Self.instances.wrappingAdd(1, ordering: .relaxed).newValue)"
    }

    /// The current rate in requests per second, `nil` when unlimited.
    var currentRate: Double? { rate(serverLimit: ledger.serverLimit) }

    /// How many callers are waiting for their turn.
    var waitingCount: Int { waiters.count }

    /// Whether the pump waits for a slot only, so that the next answer hands its turn on directly.
    var isWaitingForSlot: Bool { parkedForSlot }

    /// The rate for a server limit: the server's when followed, never above the configured maximum.
    private func rate(serverLimit: Int?) -> Double? {
        var rate = configuredRate
        if followServerLimit, let serverLimit, serverLimit > 0 {
            rate = Double(serverLimit)
        }
        if let maxRate {
            rate = min(rate ?? maxRate, maxRate)
        }
        return rate
    }

    private func rules(serverLimit: Int?) -> PacingLedger.Rules {
        PacingLedger.Rules(rate: rate(serverLimit: serverLimit), burst: burst, resetMargin: resetMargin, maxWindowWait: maxWindowWait)
    }

    /// Waits for this request's turn.
    ///
    /// - Throws: `CancellationError` if the calling task is cancelled while waiting.
    func acquire() async throws -> Permit {
        try Task.checkCancellation()
        nextID &+= 1
        let id = nextID
        if let permit = await grantAtOnce(id) {
            // Cancelled while the shared file's lock was awaited: the turn goes back unsent.
            guard !Task.isCancelled else {
                await finish(permit, observation: nil)
                throw CancellationError()
            }
            return permit
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Permit, any Error>) in
                waiters.append(Waiter(id: id, continuation: continuation))
                if shared != nil, !answered, !inFlight.isEmpty, let whileFirstRequestAlone {
                    whileFirstRequestAlone(inFlight.count + min(waiters.count, max(0, maxInFlight - inFlight.count)))
                }
                startPumpIfNeeded()
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// The turn of a caller who finds nobody in line and a turn free, decided here rather than by the pump:
    /// when many callers come at once (an apply's first creates, one per model), the pump's task would run
    /// only after every one of them had queued, on the loop they all share (traced: 5–14 ms with nothing in
    /// flight between a plan and its apply). `nil`: the caller queues as usual.
    private func grantAtOnce(_ id: UInt64) async -> Permit? {
        guard waiters.isEmpty, !pumping, inFlight.count < maxGranted else { return nil }
        guard await reserveTurn() == .send else { return nil }
        // The ledger may have waited for its lock: the slots may have been taken meanwhile. Anyone in line
        // came after this caller, who keeps its place at the front.
        guard inFlight.count < maxGranted else {
            // The turn goes back to the ledger (the pace it used stays used); the caller queues.
            await withLedger { _, _ in }
            return nil
        }
        inFlight.insert(id)
        return Permit(id: id)
    }

    /// Returns a turn and learns from the answer's rate-limit headers, if any.
    ///
    /// While every slot is taken the pump is parked; the slot this answer frees then goes to the next
    /// caller in the same look at the ledger, without waking the pump first (one hand-off between tasks
    /// and one read and write of the shared file fewer per request).
    ///
    /// - Returns: Whether the turn went straight to the next caller in line.
    @discardableResult
    func finish(_ permit: Permit, observation: RateLimitObservation?) async -> Bool {
        inFlight.remove(permit.id)
        // A turn handed back unused, or a request that got no answer, taught nothing: until an answer comes,
        // the next request still goes alone.
        if observation != nil { answered = true }
        let learned = observation.flatMap { $0.isEmpty ? nil : $0 }
        let handOff = parkedForSlot && !waiters.isEmpty
        // Alone, a request leaving only matters with headers to learn from; shared, the other processes
        // read this pacer's in-flight count too.
        guard learned != nil || shared != nil || handOff else {
            signalChange()
            return false
        }
        let decision = await withLedger { ledger, now -> PacingLedger.Decision? in
            if let learned { ledger.learn(from: learned, now: now) }
            guard handOff else { return nil }
            return ledger.reserve(for: holder, now: now, rules: rules(serverLimit: ledger.serverLimit), exclusiveUntilKnown: false)
        }
        if decision == .send {
            // The ledger may have waited for its lock: the line or the slots may have changed meanwhile.
            if !waiters.isEmpty && inFlight.count < maxGranted {
                grantHead()
                // With a slot still free, the pump may grant the next turn.
                if inFlight.count < maxGranted { signalChange() }
                return true
            } else {
                // Nobody to give it to: the count goes back to the ledger (the pace it used stays used).
                await withLedger { _, _ in }
            }
        }
        signalChange()
        return false
    }

    /// Runs `body` on the ledger: the in-memory one, or the shared file's under its lock (read, changed,
    /// written back, never held across a suspension point). The ledger already counts this pacer's
    /// requests in flight.
    private func withLedger<T>(_ body: (inout PacingLedger, Double) -> T) async -> T {
        guard let shared else {
            let now = wallClock()
            ledger.setInFlight(inFlight.count, holder: holder, now: now)
            return body(&ledger, now)
        }
        let deadline = clock.now + Self.lockPatience
        while !shared.tryLock() {
            guard clock.now < deadline else {
                // Held far longer than any pacer holds it (a stopped process?): pace alone for now.
                let now = wallClock()
                ledger.setInFlight(inFlight.count, holder: holder, now: now)
                return body(&ledger, now)
            }
            // A look a millisecond, cancelled or not: `finish` must still reach the file, and a cancelled
            // `Task.sleep` returns at once, which made this a spin for the whole patience.
            await sleep(seconds: 0.001)
        }
        defer { shared.unlock() }
        let now = wallClock()
        let stored = shared.read(now: now)
        // A file that cannot be read back (another program's bytes, a write torn by a full disk) is rewritten
        // from this pacer's own view, so that what it learned from its answers is not forgotten with it.
        var current = stored ?? ledger
        current.forgetHolders(keeping: holder, now: now, staleAfter: Self.staleHolderSeconds, isGone: SharedPacingFile.holderIsGone)
        current.setInFlight(inFlight.count, holder: holder, now: now)
        let result = body(&current, now)
        if current != stored {
            shared.write(current)
        }
        ledger = current
        return result
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: CancellationError())
    }

    private func startPumpIfNeeded() {
        guard !pumping, !waiters.isEmpty else { return }
        pumping = true
        // On the client's event loop when given: the global executor's threads may all be busy (parsing
        // declarations, decoding answers), and a turn granted late is a request sent late (seen: 2 ms).
        if let pumpExecutor {
            Task(executorPreference: pumpExecutor) { await self.pump() }
        } else {
            Task { await self.pump() }
        }
    }

    /// Grants turns in order until nobody waits.
    private func pump() async {
        defer { pumping = false }
        while !waiters.isEmpty {
            if inFlight.count >= maxGranted {
                parkedForSlot = true
                await waitForChange()
                parkedForSlot = false
                continue
            }
            switch await reserveTurn() {
            case .awaitAnswer:
                // The answer may have come while the ledger was locked; then look again at once.
                if !answered && !inFlight.isEmpty {
                    await waitForChange()
                }
            case .wait(let seconds):
                await sleep(seconds: seconds)
            case .windowTooFar(let wait):
                guard !waiters.isEmpty else { continue }
                let head = waiters.removeFirst()
                // Capped as the transport caps a 429's wait: no ledger can make a Duration overflow.
                head.continuation.resume(throwing: WindowTooFar(wait: .nanoseconds(Self.nanoseconds(wait))))
            case .send:
                // The head may have been cancelled while the ledger was locked: the turn goes to the next in
                // line, or, with nobody left, back to the ledger (the pace it used stays used).
                guard !waiters.isEmpty else {
                    await withLedger { _, _ in }
                    continue
                }
                grantHead()
            }
        }
    }

    /// The ledger's decision for the next turn, taken if it may go now: the one rule for the pump and for
    /// a caller served at once. While the first request of a pacer sharing a file is out and nothing is
    /// known, the answer is to wait for it.
    private func reserveTurn() async -> PacingLedger.Decision {
        let exclusive = shared != nil && !answered && !inFlight.isEmpty
        return await withLedger { ledger, now in
            ledger.reserve(for: holder, now: now, rules: rules(serverLimit: ledger.serverLimit), exclusiveUntilKnown: exclusive)
        }
    }

    /// Gives the first caller in line its turn.
    private func grantHead() {
        let head = waiters.removeFirst()
        inFlight.insert(head.id)
        head.continuation.resume(returning: Permit(id: head.id))
    }

    private func waitForChange() async {
        await withCheckedContinuation { continuation in
            changeSignal = continuation
        }
    }

    private func signalChange() {
        changeSignal?.resume()
        changeSignal = nil
    }

    private func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        if let loop = pumpExecutor?.eventLoop {
            // The loop's own timer: the global executor's rounded a wait of microseconds (one request's share
            // at a high rate) up to milliseconds (traced: a 2 µs wait took 2.6 ms, on this timer 0.02 ms), holding
            // the next turn that long.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.scheduleTask(in: .nanoseconds(Self.nanoseconds(seconds))) { continuation.resume() }
            }
            return
        }
        // Sleeping is not cut short by cancellation: the pump serves every caller, not one task, and a
        // cancelled caller waiting for the file's lock must not spin.
        let clock = self.clock
        await Task.detached { try? await Task.sleep(for: .nanoseconds(Self.nanoseconds(seconds)), clock: clock) }.value
    }

    /// The longest wait the pacer takes in one piece, in seconds (about 31 years): far beyond any wait a
    /// validated configuration makes, and far within what nanoseconds in an `Int64` hold.
    static let longestWait = 1e9

    /// `seconds` in whole nanoseconds, saturating: a wait is at most ``longestWait`` (a rate of 1e-10 per
    /// second waits 1e10 s between requests, whose nanoseconds overflowed `Int64` and trapped), and a
    /// negative or NaN one is none.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        guard seconds > 0 else { return 0 }
        return Int64(min(seconds, longestWait) * 1e9)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
