import Foundation
import Synchronization
import Testing
@testable import Declarations
import WriftSyncTesting

/// The seeded mutation fuzzer over valid declarations. `make test` runs 20,000 cases with a fixed seed;
/// `make fuzz` runs many more with a random one. Environment: FUZZ_CASES (default 20000), FUZZ_SEED (a
/// number, or `random`; default fixed), FUZZ_START (first case index; replay one case with
/// FUZZ_START=N FUZZ_CASES=1), FUZZ_CHECKPOINT=1 (keep the case in flight on disk, for crashes).
/// Failing inputs are saved under .build/fuzz/.
@Suite struct DeclarationFuzzTests {
    static let defaultSeed: UInt64 = 0x5EED_0009

    static let outputDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/fuzz")

    @Test func mutatedDeclarationsAreValidOrReportedAtAPlaceInTheFile() async throws {
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["FUZZ_CASES"].flatMap(Int.init) ?? 20_000
        let start = environment["FUZZ_START"].flatMap(Int.init) ?? 0
        let seed: UInt64 = switch environment["FUZZ_SEED"] {
        case "random": UInt64.random(in: 0...UInt64.max)
        case let text?: UInt64(text) ?? Self.defaultSeed
        case nil: Self.defaultSeed
        }
        let checkpoint = environment["FUZZ_CHECKPOINT"] == "1"
        let corpus = try DeclarationFuzzer.corpus()
        print("fuzz: seed \(seed), cases \(start)..<\(start + cases)")
        try FileManager.default.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)

        // Seconds of CPU-bound work: on its own thread, so the 2-thread cooperative pool stays free for the
        // other tests running alongside (the controller's loop tests starve otherwise).
        let run = try await onOwnThread { () -> FuzzRun in
            let fuzzer = DeclarationFuzzer(files: corpus, seed: seed)
            let watchdog = Watchdog(seed: seed, directory: Self.outputDirectory)
            watchdog.start()
            defer { watchdog.stop() }
            var run = FuzzRun(targets: fuzzer.targets.count)
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for index in start..<(start + cases) {
                    let outcome = fuzzer.run(index) { target, bytes, steps in
                        watchdog.begin(index)
                        if checkpoint { Self.save(index: index, seed: seed, target: target, bytes: bytes, steps: steps, reason: "in flight (a crash or hang if this file remains)", name: "in-flight-\(seed)") }
                    }
                    switch outcome {
                    case .valid: run.valid += 1
                    case .reported: break
                    case let .failed(failure):
                        run.failures.append("\(failure)\n  saved as \(Self.outputDirectory.path)/failure-\(seed)-\(failure.index).yaml")
                        Self.save(index: index, seed: seed, target: failure.target, bytes: failure.input, steps: failure.steps, reason: failure.reason, name: "failure-\(seed)-\(index)")
                    }
                    if cases >= 100_000, (index - start + 1) % 100_000 == 0 { print("fuzz: \(index - start + 1) cases done") }
                }
            }
            run.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return run
        }
        if checkpoint {
            for suffix in ["yaml", "txt"] { try? FileManager.default.removeItem(at: Self.outputDirectory.appendingPathComponent("in-flight-\(seed).\(suffix)")) }
        }
        #expect(run.targets >= 10, "the corpus holds \(run.targets) files")
        print(String(format: "fuzz: %d cases over %d files in %.1f s (%.0f cases/s): %d still valid, %d reported, %d failures", cases, run.targets, run.seconds, Double(cases) / max(run.seconds, 0.001), run.valid, cases - run.valid - run.failures.count, run.failures.count))
        for failure in run.failures.prefix(20) {
            Issue.record(Comment(rawValue: failure))
        }
        #expect(run.failures.isEmpty, "\(run.failures.count) failing cases")
    }

    /// What one fuzzing run found.
    struct FuzzRun: Sendable {
        var targets: Int
        var valid = 0
        var failures: [String] = []
        var seconds = 0.0
    }

    static func save(index: Int, seed: UInt64, target: String, bytes: [UInt8], steps: [String], reason: String, name: String) {
        let base = outputDirectory.appendingPathComponent(name)
        try? Data(bytes).write(to: base.appendingPathExtension("yaml"))
        let note = "target: \(target)\nseed: \(seed)\ncase: \(index)\nsteps: \(steps.joined(separator: "; "))\nreason: \(reason)\nreplay: FUZZ_SEED=\(seed) FUZZ_START=\(index) FUZZ_CASES=1 swift test --filter DeclarationFuzzTests\n"
        try? Data(note.utf8).write(to: base.appendingPathExtension("txt"))
    }
}

/// Ends the run when one case takes far too long: a hang would otherwise hold `make test` forever.
final class Watchdog: Sendable {
    private struct State {
        var index = -1
        var started = ContinuousClock.now
        var running = true
    }

    private let state = Mutex(State())
    private let seed: UInt64
    private let directory: URL
    static let limit: Duration = .seconds(60)

    init(seed: UInt64, directory: URL) {
        self.seed = seed
        self.directory = directory
    }

    func begin(_ index: Int) {
        state.withLock { $0.index = index; $0.started = .now }
    }

    func start() {
        let seed = seed, directory = directory
        Thread { [self] in
            while true {
                sleep(1)
                let (running, index, since) = state.withLock { ($0.running, $0.index, ContinuousClock.now - $0.started) }
                guard running else { return }
                if index >= 0, since > Self.limit {
                    let message = "fuzz: case \(index) (seed \(seed)) hung for \(since); replay: FUZZ_SEED=\(seed) FUZZ_START=\(index) FUZZ_CASES=1\n"
                    try? Data(message.utf8).write(to: directory.appendingPathComponent("hang-\(seed)-\(index).txt"))
                    FileHandle.standardError.write(Data(message.utf8))
                    exit(1)
                }
            }
        }.start()
    }

    func stop() {
        state.withLock { $0.running = false }
    }
}
