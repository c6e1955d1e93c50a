import Foundation
import Synchronization
import Testing
@testable import WriftAI
import WriftAIEmulator
import WriftAIModels

/// The pacing ledger's rules, and pacers of one token sharing it through a file.
@Suite("Pacing shared across clients and processes")
struct SharedPacingTests {
    static let rules = PacingLedger.Rules(rate: 2, burst: 1, resetMargin: 0.02, maxWindowWait: 60)

    /// A fresh directory for shared state, removed by `cleanUp`.
    struct Place {
        let directory: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-pacing-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        func cleanUp() {
            try? FileManager.default.removeItem(atPath: directory)
        }

        var file: String { directory + "/ratelimit.json" }
    }

    // MARK: - The ledger

    struct Step: Sendable, CustomTestStringConvertible {
        var label: String
        var ledger: PacingLedger
        var now: Double
        var rules: PacingLedger.Rules = SharedPacingTests.rules
        var exclusive = false
        var decision: PacingLedger.Decision
        var testDescription: String { label }
    }

    @Test("may a request go now", arguments: [
        Step(label: "a fresh ledger sends", ledger: PacingLedger(), now: 100, decision: .send),
        Step(label: "the rate spaces requests", ledger: PacingLedger(nextSend: 100.5), now: 100, decision: .wait(0.5)),
        Step(label: "a burst of 3 lets two more go", ledger: PacingLedger(nextSend: 100.5), now: 100,
             rules: .init(rate: 2, burst: 3, resetMargin: 0, maxWindowWait: 60), decision: .send),
        Step(label: "no rate, no spacing", ledger: PacingLedger(nextSend: 150), now: 100,
             rules: .init(rate: nil, burst: 1, resetMargin: 0, maxWindowWait: 60), decision: .send),
        Step(label: "a used-up window waits for its reset and margin",
             ledger: PacingLedger(window: .init(reset: 100.5, budget: 0)), now: 100, decision: .wait(0.52)),
        Step(label: "a window too far away is refused at once (one from an older file stands from now on)",
             ledger: PacingLedger(window: .init(reset: 3700, budget: 0)), now: 100, decision: .windowTooFar(3600.02)),
        Step(label: "a window too far away, reported less than the longest wait ago, is refused at once",
             ledger: PacingLedger(window: .init(reset: 3700, budget: 0, observed: 50)), now: 100, decision: .windowTooFar(3600.02)),
        // Before, such a window stopped every request until its end (up to a day), in every process sharing
        // it: no answer could ever correct it.
        Step(label: "a window too far away that has stood for the longest wait lets one probe through",
             ledger: PacingLedger(window: .init(reset: 3700, budget: 0, observed: 40)), now: 100, decision: .send),
        Step(label: "a window with room sends", ledger: PacingLedger(window: .init(reset: 100.5, budget: 1)), now: 100, decision: .send),
        Step(label: "an ended window is forgotten", ledger: PacingLedger(window: .init(reset: 99, budget: 0)), now: 100, decision: .send),
        Step(label: "knowing nothing, the first request goes alone", ledger: PacingLedger(), now: 100, exclusive: true, decision: .awaitAnswer),
        Step(label: "a window another process saw is known", ledger: PacingLedger(window: .init(reset: 100.5, budget: 2)), now: 100,
             exclusive: true, decision: .send),
        Step(label: "a wall clock stepped back does not stall", ledger: PacingLedger(nextSend: 4000), now: 100, decision: .send),
    ])
    func decisions(step: Step) {
        var ledger = step.ledger
        let decision = ledger.reserve(for: "1:1", now: step.now, rules: step.rules, exclusiveUntilKnown: step.exclusive)
        switch (decision, step.decision) {
        case (.wait(let got), .wait(let expected)), (.windowTooFar(let got), .windowTooFar(let expected)):
            #expect(abs(got - expected) < 1e-9, "\(step.label): \(decision)")
        default:
            #expect(decision == step.decision, "\(step.label)")
        }
        if decision == .send {
            #expect(ledger.holders["1:1"]?.inFlight == 1)
            if let window = step.ledger.window, step.now < window.reset, window.budget <= 0 {
                #expect(ledger.window?.observed == step.now, "a probe: the next one waits the longest wait again")
                var again = ledger
                #expect(again.reserve(for: "1:1", now: step.now + 1, rules: step.rules, exclusiveUntilKnown: false) != .send)
            } else if let window = step.ledger.window, step.now < window.reset {
                #expect(ledger.window?.budget == window.budget - 1, "the window counts the request")
            }
        } else if step.ledger.window?.budget ?? 1 <= 0, step.ledger.window?.observed == nil, case .windowTooFar = decision {
            #expect(ledger.window?.observed == step.now, "stamped, so that it is probed once it has stood the longest wait")
            #expect(ledger.holders == step.ledger.holders, "nothing is taken without sending")
        } else {
            #expect(ledger == step.ledger || step.label.contains("forgotten"), "nothing is taken without sending")
        }
    }

    @Test("an answer's remaining is read net of every holder's requests in flight")
    func learning() {
        var ledger = PacingLedger()
        ledger.setInFlight(2, holder: "10:1", now: 100)
        ledger.setInFlight(1, holder: "20:1", now: 100)
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 5, reset: 101), now: 100.2)
        #expect(ledger.window == .init(reset: 101, budget: 2, observed: 100.2))
        #expect(ledger.serverLimit == 3)
        // The same window never grows back; a later one replaces it; an earlier one is stale.
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 9, reset: 101), now: 100.3)
        #expect(ledger.window?.budget == 2)
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 0, reset: 100.5, wasRateLimited: false), now: 100.3)
        #expect(ledger.window?.reset == 101)
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 3, reset: 102), now: 101.1)
        #expect(ledger.window == .init(reset: 102, budget: 0, observed: 101.1))
        ledger.learn(from: RateLimitObservation(limit: nil, remaining: nil, reset: 102, wasRateLimited: true), now: 101.2)
        #expect(ledger.window?.budget == 0)
        // In the API's one-second windows, a late success from earlier gives back nothing, used up or not.
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 3, reset: 101.8), now: 101.25)
        ledger.learn(from: RateLimitObservation(limit: 3, remaining: 9, reset: 102), now: 101.25)
        #expect(ledger.window == .init(reset: 102, budget: 0, observed: 101.1))

        // A far window believed used up (an answer said `remaining: 0`, a reset an hour away), which a probe then
        // went through: a success with room in the same window gives the server's count back, and one naming a
        // nearer window replaces it. Before, the window stood until its end, up to a day.
        var far = PacingLedger(window: .init(reset: 3700, budget: 0, observed: 40))
        far.setInFlight(1, holder: "10:1", now: 100)
        far.learn(from: RateLimitObservation(limit: 3, remaining: 0, reset: 3700, wasRateLimited: true), now: 100.1)
        #expect(far.window?.budget == 0, "a 429 corrects nothing")
        far.learn(from: RateLimitObservation(limit: 3, remaining: 5, reset: 3700), now: 100.2)
        #expect(far.window == .init(reset: 3700, budget: 4, observed: 100.2), "5 left, less the 1 in flight")
        far.window?.budget = 0
        far.learn(from: RateLimitObservation(limit: 3, remaining: 2, reset: 101), now: 100.3)
        #expect(far.window == .init(reset: 101, budget: 1, observed: 100.3))
        ledger.setInFlight(0, holder: "20:1", now: 101.3)
        #expect(ledger.holders.keys.sorted() == ["10:1"])
    }

    @Test("holders of exited processes and holders not heard from for long are forgotten")
    func forgettingHolders() {
        var ledger = PacingLedger()
        ledger.setInFlight(1, holder: "\(getpid()):1", now: 100)
        ledger.setInFlight(4, holder: "2147483000:1", now: 100)
        ledger.setInFlight(2, holder: "\(getppid()):1", now: 100)
        ledger.setInFlight(3, holder: "\(getppid()):2", now: 100 - 4000)
        ledger.setInFlight(1, holder: "not a pid", now: 100)
        // Alive, but written before the clock was stepped back: it would never age.
        ledger.setInFlight(5, holder: "\(getppid()):3", now: 100 + 4000)
        ledger.forgetHolders(keeping: "\(getpid()):1", now: 100, staleAfter: 3600, isGone: SharedPacingFile.holderIsGone)
        #expect(ledger.holders.keys.sorted() == ["\(getpid()):1", "\(getppid()):1"].sorted())
        #expect(ledger.inFlight == 3)
    }

    // MARK: - Pacers sharing a file

    @Test("two pacers with the same shared file behave as one: one window, one pace", .timeLimit(.minutes(1)))
    func twoPacersOneLedger() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let first = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let second = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let permit = try await first.acquire()
        let reset = Date().timeIntervalSince1970 + 3600
        await first.finish(permit, observation: RateLimitObservation(limit: 5, remaining: 2, reset: reset))
        // The second pacer never saw an answer, yet knows the window: two more requests, then none.
        let one = try await second.acquire()
        let two = try await second.acquire()
        await #expect(throws: RequestPacer.WindowTooFar.self) { _ = try await second.acquire() }
        await #expect(throws: RequestPacer.WindowTooFar.self) { _ = try await first.acquire() }
        await second.finish(one, observation: nil)
        await second.finish(two, observation: nil)
        #expect(await second.currentRate == 5, "the server's limit, learned by the other pacer")

        // The rate too: the second pacer waits for the slot the first one took (lower bounds only).
        let paced = try Place()
        defer { paced.cleanUp() }
        let slow = RequestPacer(pacing: .init(requestsPerSecond: 2, followServerLimit: false), shared: try SharedPacingFile(path: paced.file))
        let other = RequestPacer(pacing: .init(requestsPerSecond: 2, followServerLimit: false), shared: try SharedPacingFile(path: paced.file))
        await slow.finish(try await slow.acquire(), observation: nil)
        let clock = ContinuousClock()
        let start = clock.now
        await other.finish(try await other.acquire(), observation: nil)
        await slow.finish(try await slow.acquire(), observation: nil)
        #expect(clock.now - start >= .milliseconds(900), "three requests at 2/s between two pacers: two gaps of 500 ms")
    }

    @Test("a pacer that knows nothing sends its first request alone", .timeLimit(.minutes(1)))
    func probesAlone() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let first = try await pacer.acquire()
        let waiting = Task { try await pacer.acquire() }
        while await pacer.waitingCount < 1 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await pacer.waitingCount == 1, "the second request waits for the first answer")
        await pacer.finish(first, observation: RateLimitObservation(limit: 10, remaining: 9, reset: Date().timeIntervalSince1970 + 30))
        let second = try await waiting.value
        // Now the window is known: the rest go together.
        let third = try await pacer.acquire()
        let fourth = try await pacer.acquire()
        for permit in [second, third, fourth] { await pacer.finish(permit, observation: nil) }
    }

    @Test("a turn handed back unused teaches nothing: the next request still goes alone, until an answer comes", .timeLimit(.minutes(1)))
    func givenBackTurnKeepsTheFirstAlone() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let first = try await pacer.acquire()
        let waiting = Task { try await pacer.acquire() }
        while await pacer.waitingCount < 1 { await Task.yield() }
        // Given back unused (granted as a deadline passed, or its create given up on): no answer came.
        await pacer.finish(first, observation: nil)
        let second = try await waiting.value
        let granted = Mutex(false)
        let third = Task {
            let permit = try await pacer.acquire()
            granted.withLock { $0 = true }
            return permit
        }
        while await pacer.waitingCount < 1 && !granted.withLock({ $0 }) { await Task.yield() }
        #expect(!granted.withLock { $0 }, "the request behind the second waits for its answer, as behind a first")
        // An answer without rate-limit headers is an answer: the rest may go together.
        await pacer.finish(second, observation: RateLimitObservation(limit: nil, remaining: nil, reset: nil))
        let permits = [try await third.value, try await pacer.acquire(), try await pacer.acquire()]
        for permit in permits { await pacer.finish(permit, observation: nil) }
    }

    @Test("a caller cancelled while another process holds the file's lock looks once a millisecond, not in a spin, and sends nothing", .timeLimit(.minutes(1)))
    func cancelledWhileTheLockIsHeld() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        // Another process's pacer, stopped (SIGSTOP, a debugger) while holding the lock: a second descriptor's
        // flock conflicts with this one's as another process's would.
        let stopped = try SharedPacingFile(path: place.file)
        #expect(stopped.tryLock())
        let file = try SharedPacingFile(path: place.file)
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: file)
        let caller = Task { try await pacer.acquire() }
        while file.timesFoundTaken < 1 { await Task.yield() }
        caller.cancel()
        // The lock's patience (1 s) runs out twice: for the turn, then for handing it back.
        let result = await caller.result
        #expect(throws: CancellationError.self, "a turn granted to a cancelled caller goes back unsent") { try result.get() }
        let looks = file.timesFoundTaken
        #expect(looks <= 2 * 1_000 + 10, "one look a millisecond at most over two patiences of 1 s: \(looks)")
        stopped.unlock()
        // Nothing of the cancelled caller stays in flight: the next request goes (alone, knowing nothing).
        await pacer.finish(try await pacer.acquire(), observation: RateLimitObservation(limit: 5, remaining: 4, reset: Date().timeIntervalSince1970 + 30))
        #expect(try SharedPacingFile(path: place.file).read(now: Date().timeIntervalSince1970)?.holders.isEmpty == true)
    }

    @Test("while the first request goes alone, the client is told the connections the requests behind it need", .timeLimit(.minutes(1)))
    func connectionsForTheRequestsBehindTheFirst() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let told = Mutex<[Int]>([])
        let pacer = RequestPacer(
            pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file),
            whileFirstRequestAlone: { count in told.withLock { $0.append(count) } }
        )
        let first = try await pacer.acquire()
        #expect(told.withLock { $0 }.isEmpty, "a request alone needs no other connection")
        let waiting = (0..<5).map { _ in Task { try await pacer.acquire() } }
        while await pacer.waitingCount < 5 { await Task.yield() }
        #expect(told.withLock { $0 } == [2, 3, 4, 4, 4], "the first and up to 3 behind it: never more than in flight at once")
        await pacer.finish(first, observation: RateLimitObservation(limit: 10, remaining: 9, reset: Date().timeIntervalSince1970 + 30))
        var permits: [RequestPacer.Permit] = []
        for task in waiting.prefix(4) { permits.append(try await task.value) }
        for permit in permits { await pacer.finish(permit, observation: nil) }
        permits = [try await waiting[4].value]
        for permit in permits { await pacer.finish(permit, observation: nil) }
        #expect(told.withLock { $0 }.count == 5, "once an answer came, nothing more is told")
        await pacer.finish(try await pacer.acquire(), observation: nil)
        #expect(told.withLock { $0 }.count == 5)
    }

    @Test("a corrupt, foreign or oversized state file is ignored and rewritten", arguments: [
        Data("{\"format\":\"wriftsync-pacing/1\",\"ledger\":{\"next_send\":".utf8),
        Data("{\"format\":\"something-else\",\"ledger\":{\"next_send\":0,\"holders\":{}}}".utf8),
        Data("{\"format\":\"wriftsync-pacing/1\",\"ledger\":{\"next_send\":1e300,\"holders\":{}}}".utf8),
        Data(repeating: 0x20, count: 100_000),
        Data([0xFF, 0xFE, 0x00]),
    ])
    func corruptFile(contents: Data) async throws {
        let place = try Place()
        defer { place.cleanUp() }
        try contents.write(to: URL(fileURLWithPath: place.file))
        let file = try SharedPacingFile(path: place.file)
        #expect(file.read(now: Date().timeIntervalSince1970) == nil)
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: file)
        let permit = try await pacer.acquire()
        await pacer.finish(permit, observation: RateLimitObservation(limit: 7, remaining: 6, reset: Date().timeIntervalSince1970 + 30))
        #expect(try SharedPacingFile(path: place.file).read(now: Date().timeIntervalSince1970)?.serverLimit == 7, "rewritten as a valid ledger")
    }

    /// A holder entry no pacer could be: how it is written, and whether the file is believed at all.
    struct AbsurdHolder: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var inFlight: String
        /// Seconds past now of its `updated`.
        var updatedAhead: Double
        /// Whether the file reads as a ledger (the holder then being forgotten by the pacer).
        var fileBelieved: Bool
    }

    @Test("a file claiming an absurd holder is not believed", .timeLimit(.minutes(1)), arguments: [
        // Process 1 is alive (or answers EPERM) and the entry is fresh: only its count gives it away.
        AbsurdHolder(testDescription: "Int.max requests in flight (their sum overflowed)",
                     inFlight: "9223372036854775807", updatedAhead: 60, fileBelieved: false),
        // A plausible count, updated a month ahead (the clock stepped back, or a pid reused): it never aged,
        // and every window looked used up.
        AbsurdHolder(testDescription: "updated further ahead than a holder goes stale",
                     inFlight: "100000", updatedAhead: 30 * 86_400, fileBelieved: true),
    ])
    func absurdHolderIsNotBelieved(_ absurd: AbsurdHolder) async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let updated = Date().timeIntervalSince1970 + absurd.updatedAhead
        try Data("""
            {"format":"\(SharedPacingFile.format)","ledger":{"next_send":0,"holders":{"1:1":{"in_flight":\(absurd.inFlight),"updated":\(updated)}}}}
            """.utf8).write(to: URL(fileURLWithPath: place.file))
        #expect(try (SharedPacingFile(path: place.file).read(now: Date().timeIntervalSince1970) != nil) == absurd.fileBelieved)
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let first = try await pacer.acquire()
        // A window far enough that a pacer believing the holder refuses at once (rather than waiting).
        let reset = Date().timeIntervalSince1970 + 3600
        await pacer.finish(first, observation: RateLimitObservation(limit: 5, remaining: 4, reset: reset))
        let out = try await pacer.acquire()
        let answered = try await pacer.acquire()
        // Learning while another request is out sums every holder's requests in flight.
        await pacer.finish(answered, observation: RateLimitObservation(limit: 5, remaining: 2, reset: reset))
        await pacer.finish(out, observation: nil)
        #expect(try SharedPacingFile(path: place.file).read(now: Date().timeIntervalSince1970)?.holders["1:1"] == nil)
    }

    @Test("a state file turned unreadable does not make a pacer forget the window it learned", .timeLimit(.minutes(1)))
    func unreadableFileKeepsOwnView() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: nil, maxInFlight: 4), shared: try SharedPacingFile(path: place.file))
        let reset = Date().timeIntervalSince1970 + 3600
        await pacer.finish(try await pacer.acquire(), observation: RateLimitObservation(limit: 5, remaining: 0, reset: reset))
        // Another program's bytes in place of the ledger (or a write torn by a full disk), same file.
        let handle = try #require(FileHandle(forWritingAtPath: place.file))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("not a ledger".utf8))
        try handle.close()
        await #expect(throws: RequestPacer.WindowTooFar.self, "the used-up window is still known") { _ = try await pacer.acquire() }
        #expect(try SharedPacingFile(path: place.file).read(now: Date().timeIntervalSince1970)?.window?.budget == 0, "and written back")
    }

    @Test("the hand-made file bytes read back as the same ledger, and as JSONEncoder's sorted-keys form does", arguments: [
        PacingLedger(),
        PacingLedger(nextSend: 1_764_500_000.123456, window: .init(reset: 1_764_500_001, budget: -3), serverLimit: 3,
                     holders: ["123:1": .init(inFlight: 4, updated: 1_764_500_000.5), "99:2": .init(inFlight: 0, updated: 0.1)]),
        PacingLedger(nextSend: 1e-05, window: .init(reset: 5e-324, budget: 0), holders: ["a\"b\\c\n\u{1}é": .init(inFlight: 1, updated: -0.0)]),
        PacingLedger(nextSend: 1.7976931348623157e308),
    ])
    func handEncoding(ledger: PacingLedger) throws {
        struct Contents: Codable, Equatable {
            var format: String
            var ledger: PacingLedger
        }
        let bytes = try #require(SharedPacingFile.encode(ledger))
        let decoded = try JSONDecoder().decode(Contents.self, from: Data(bytes))
        #expect(decoded == Contents(format: SharedPacingFile.format, ledger: ledger))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let reference = try encoder.encode(Contents(format: SharedPacingFile.format, ledger: ledger))
        #expect(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary == JSONSerialization.jsonObject(with: reference) as? NSDictionary)
        var infinite = ledger
        infinite.nextSend = .infinity
        #expect(SharedPacingFile.encode(infinite) == nil, "no JSON form: not written")
    }

    @Test("a ledger shorter than the file is padded with spaces, not truncated, and reads back; a file far too long shrinks")
    func paddedWrites() throws {
        let place = try Place()
        defer { place.cleanUp() }
        let file = try SharedPacingFile(path: place.file)
        let now = Date().timeIntervalSince1970
        var long = PacingLedger(nextSend: now)
        for holder in 1...5 { long.setInFlight(holder, holder: "\(90_000 + holder):1", now: now) }
        file.write(long)
        let longSize = try #require(try FileManager.default.attributesOfItem(atPath: place.file)[.size] as? Int)
        let short = PacingLedger(nextSend: now)
        file.write(short)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: place.file))
        #expect(bytes.count == longSize, "kept at its size")
        #expect(bytes.last == UInt8(ascii: " "))
        // A second reader decodes it from the bytes, not from what this one remembers.
        #expect(try SharedPacingFile(path: place.file).read(now: now) == short)

        try Data(repeating: UInt8(ascii: " "), count: 20_000).write(to: URL(fileURLWithPath: place.file))
        file.write(short)
        let shrunk = try #require(try FileManager.default.attributesOfItem(atPath: place.file)[.size] as? Int)
        #expect(shrunk < longSize, "a file 4 KiB longer than the ledger is cut to it")
        #expect(try SharedPacingFile(path: place.file).read(now: now) == short)
    }

    @Test("a symbolic link in place of the state file is not followed")
    func symbolicLink() throws {
        let place = try Place()
        defer { place.cleanUp() }
        let target = place.directory + "/target"
        try Data("untouched".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: place.file, withDestinationPath: target)
        #expect(throws: SharedPacingFile.Unavailable.self) { _ = try SharedPacingFile(path: place.file) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
    }

    /// A link put in place of `api` or of the host's folder, to a folder outside the shared directory: the file is
    /// not made there (before, the folders were made as `mkdir -p` makes them, following the link, and the
    /// ledger written wherever it pointed). The client then paces alone.
    @Test("a symbolic link in place of one of the state file's folders is not followed", arguments: ["api", "api/127.0.0.1-8123"])
    func symbolicLinkedFolder(_ linked: String) throws {
        let place = try Place()
        defer { place.cleanUp() }
        let shared = place.directory + "/shared"
        let outside = place.directory + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let link = shared + "/" + linked
        try FileManager.default.createDirectory(atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        #expect(throws: SharedPacingFile.Unavailable.self) {
            _ = try SharedPacingFile(directory: shared, baseURL: "http://127.0.0.1:8123/v1", token: AccessToken(Users.alice))
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: outside).isEmpty, "nothing made outside the shared directory")
    }

    /// What happens to the state file while a process keeps it open.
    struct Disruption: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var disrupt: @Sendable (_ file: String, _ directory: String) throws -> Void
    }

    @Test("a state file removed or replaced under a running process is followed: one ledger, one lock", arguments: [
        Disruption(testDescription: "the file unlinked") { file, _ in
            try FileManager.default.removeItem(atPath: file)
        },
        Disruption(testDescription: "the cache directory cleared") { _, directory in
            try FileManager.default.removeItem(atPath: directory + "/api")
        },
        Disruption(testDescription: "the file replaced by another, renamed over it") { file, _ in
            try Data().write(to: URL(fileURLWithPath: file + ".new"))
            #expect(rename(file + ".new", file) == 0)
        },
    ])
    func followsAReplacedFile(_ disruption: Disruption) throws {
        let place = try Place()
        defer { place.cleanUp() }
        let file = place.directory + "/api/host/ratelimit.json"
        let running = try SharedPacingFile(path: file)
        try disruption.disrupt(file, place.directory)
        let started = try SharedPacingFile(path: file)

        // Both lock the file the path names: while one holds it, the other cannot take it.
        #expect(started.tryLock())
        #expect(!running.tryLock(), "locked a file no other process opens")
        started.unlock()

        let now = Date().timeIntervalSince1970
        #expect(running.tryLock())
        running.write(PacingLedger(window: .init(reset: now + 30, budget: 0)))
        running.unlock()
        #expect(started.tryLock())
        #expect(started.read(now: now)?.window?.budget == 0, "the used-up window reaches the process started since")
        started.unlock()
    }

    @Test("the file is named by the API host and a hash of the token, and never holds the token")
    func namingAndSecrecy() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let token = AccessToken(Users.alice)
        let path = SharedPacingFile.path(directory: place.directory, baseURL: "http://127.0.0.1:8123/v1", token: token)
        #expect(path.hasPrefix(place.directory + "/api/127.0.0.1-8123/ratelimit-"))
        #expect(path.hasSuffix("/ratelimit-4ef2bbb838e2af84.json"), "SHA-256 of the token, its first 8 bytes in hex: the name every version gave it")
        #expect(!path.contains(Users.alice))
        #expect(path != SharedPacingFile.path(directory: place.directory, baseURL: "http://127.0.0.1:8123/v1", token: AccessToken(Users.bob)))
        #expect(SharedPacingFile.path(directory: place.directory, baseURL: "https://api.wrift.ai/v1", token: nil)
            == place.directory + "/api/api.wrift.ai/ratelimit-anonymous.json")

        try await withSession(emulator: Fixture.emulator(rateLimit: .init(authenticated: 50, unauthenticated: 1)), configure: {
            $0.pacing = .init(requestsPerSecond: 50, sharedStateDirectory: place.directory)
        }) { session in
            _ = try await session.client.model(try Fixture.demo)
            let written = SharedPacingFile.path(directory: place.directory, baseURL: session.emulator.baseURL, token: token)
            let contents = try #require(FileManager.default.contents(atPath: written), "the client wrote its window")
            #expect(!String(decoding: contents, as: UTF8.self).contains(Users.alice))
            let attributes = try FileManager.default.attributesOfItem(atPath: written)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    // MARK: - Against the emulator

    @Test("two clients sharing a state directory stay within one 5/s limit together: no 429")
    func twoClientsOneLimit() async throws {
        let place = try Place()
        defer { place.cleanUp() }
        let emulator = Fixture.emulator(rateLimit: .init(authenticated: 5, unauthenticated: 1))
        try await withSession(emulator: emulator, configure: {
            $0.pacing = .init(requestsPerSecond: 5, sharedStateDirectory: place.directory)
        }) { session in
            var configuration = Fixture.client(session.emulator)
            configuration.pacing = .init(requestsPerSecond: 5, sharedStateDirectory: place.directory)
            try await WriftAIClient.withClient(configuration: configuration) { other in
                let demo = try Fixture.demo
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for client in [session.client, other] {
                        for _ in 0..<2 {
                            group.addTask { for _ in 0..<5 { _ = try await client.model(demo) } }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let stats = try await session.stats()
            #expect(stats.rateLimited == 0)
            #expect(stats.total == 20)
        }
    }

    @Test("a server advertising a higher limit never raises the rate above the configured maximum")
    func neverAboveTheMaximum() async throws {
        let pacer = RequestPacer(pacing: .init(requestsPerSecond: 3, maxRequestsPerSecond: 3))
        let permit = try await pacer.acquire()
        await pacer.finish(permit, observation: RateLimitObservation(limit: 100_000, remaining: 99_999, reset: Date().timeIntervalSince1970 + 1))
        #expect(await pacer.currentRate == 3)
        let lower = try await pacer.acquire()
        await pacer.finish(lower, observation: RateLimitObservation(limit: 2, remaining: 1, reset: Date().timeIntervalSince1970 + 1))
        #expect(await pacer.currentRate == 2, "a lower server limit still lowers it")

        let emulator = Fixture.emulator(rateLimit: .init(authenticated: 100_000, unauthenticated: 1))
        try await withSession(emulator: emulator, configure: {
            $0.pacing = .init(requestsPerSecond: 5, maxRequestsPerSecond: 5)
        }) { session in
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<6 { _ = try await session.client.model(try Fixture.demo) }
            #expect(clock.now - start >= .milliseconds(900), "six requests at 5/s: five gaps of 200 ms")
            #expect(await session.client.pacer.currentRate == 5)
        }
    }
}
