import Foundation
import JSONSchema
import Synchronization
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// `wriftsync apply` end to end while the API misbehaves: the emulator killed and restarted, connections
/// reset, answers slower than the timeout, a 429 storm with a far reset, and two appliers at once. Every
/// test ends the same way: a re-run converges — the live state equals the declarations, no digest twice
/// in any model, no declared version deleted.
@Suite(.onOwnThreads) struct ApplyChaosTests {
    typealias Apply = ApplyCommandTests

    /// Two models, each with a declared base version that exists before the apply (and must survive it),
    /// versions to create, and one undeclared version to delete.
    static let declared = ["alice/m1": [1, 101, 102, 103, 104], "alice/m2": [2, 201, 202, 203]]
    static let seeded = ["alice/m1": [1, 91], "alice/m2": [2, 92]]
    static var models: [String] { declared.keys.sorted() }

    static func repository() throws -> TestRepository {
        try TestRepository(files: [
            "models/m1.yaml": Apply.declaration("alice/m1", declared["alice/m1"]!),
            "models/m2.yaml": Apply.declaration("alice/m2", declared["alice/m2"]!),
        ])
    }

    static func seed(_ storage: InMemoryEmulatorStorage) async throws {
        for model in models { try await Apply.seed(storage, model, seeded[model]!) }
    }

    /// The convergence every test ends with, on the live versions of each model (oldest first).
    static func expectConverged(_ live: [String: [VersionRecord]], _ label: String) {
        for model in models {
            let versions = live[model] ?? []
            let digests = versions.map(\.containerImageDigest)
            #expect(Set(digests).count == digests.count, "\(label): no duplicate digest in \(model): \(digests)")
            #expect(digests == declared[model]!.map(repeatedDigest), "\(label): \(model) equals its declaration")
            #expect(versions.first?.number == 1, "\(label): the declared base version of \(model) was never deleted")
        }
    }

    /// After an interrupted apply: each model is a consistent prefix — the declared versions that exist
    /// are the first ones in declaration order, and no planned delete ran in a model whose creates did
    /// not all complete.
    static func expectNothingHalfApplied(_ live: [String: [VersionRecord]], _ label: String) {
        for model in models {
            let digests = (live[model] ?? []).map(\.containerImageDigest)
            let declaredDigests = declared[model]!.map(repeatedDigest)
            let present = digests.filter { declaredDigests.contains($0) }
            #expect(Array(declaredDigests.prefix(present.count)) == present, "\(label): \(model) created in declaration order: \(digests)")
            #expect(Set(present).count == present.count, "\(label): no duplicate in \(model)")
            #expect(present.first == declaredDigests.first, "\(label): the base version of \(model) survived")
            if present.count < declaredDigests.count {
                #expect(digests.contains(repeatedDigest(seeded[model]!.last!)), "\(label): no delete in \(model) before its creates completed")
            }
        }
    }

    static func live(_ storage: InMemoryEmulatorStorage) async -> [String: [VersionRecord]] {
        var live: [String: [VersionRecord]] = [:]
        for model in models { live[model] = await Apply.live(storage, model) }
        return live
    }

    /// Applies until it exits 0 (at most `runs` times); the exit statuses.
    static func applyUntilConverged(_ arguments: [String], runs: Int = 6) async throws -> [SourceCommandTests.Run] {
        var results: [SourceCommandTests.Run] = []
        while results.count < runs, results.last?.status != 0 {
            results.append(try await Apply.run(arguments))
        }
        return results
    }

    // MARK: - (a) The emulator killed mid-apply and restarted on the same port and state file

    /// Waits (up to a minute) until the emulator on `port` has answered `count` creates.
    static func waitForCreates(at port: Int, count: Int) {
        let end = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            if let text = try? Shell.run(["curl", "-sf", "http://127.0.0.1:\(port)/_emulator/stats"]),
                let stats = try? JSONDecoder().decode(EmulatorStats.self, from: Data(text.utf8)),
                stats.requests.filter({ $0.method == "POST" && $0.route.hasSuffix("/versions") && $0.status == 201 })
                    .reduce(0, { $0 + $1.count }) >= count
            {
                return
            }
            usleep(5_000)
        }
    }

    @Test(arguments: [false, true])
    func theEmulatorKilledMidApplyAndRestartedWithItsStateFileConverges(downUntilTheApplyEnds: Bool) async throws {
        let repository = try Self.repository()
        let cache = try TemporaryDirectory("chaos")
        let stateFile = cache.path + "/emulator-state.json"
        let arguments = ["--state", stateFile, "--token", "alice=\(Apply.token)", "--rate-limit", "0", "--latency-ms", "200"]
            + Self.models.flatMap { ["--model", $0] }
        let first = try await onOwnThread { try EmulatorProcess.start(arguments) }
        // Seed through the API, as any client would; the emulator saves each change to its state file.
        for model in Self.models {
            for seed in Self.seeded[model]! {
                let body = """
                    {"release_notes": "v\(seed)", "container_image_digest": "\(repeatedDigest(seed))",
                     "schemas": {"prediction": {"input": {"type": "object"}, "output": {"type": "string"}}}}
                    """
                _ = try await onOwnThread {
                    try Shell.run(["curl", "-sf", "-X", "POST", "-H", "Authorization: Bearer \(Apply.token)", "-H", "Content-Type: application/json",
                                   "-d", body, first.baseURL + "/models/\(model)/versions"])
                }
            }
        }
        let port = first.port
        let seededCount = Self.seeded.values.reduce(0) { $0 + $1.count }
        let apply = ["apply", "--repo", repository.path, "--api-url", first.baseURL, "--cache-dir", cache.path + "/cache",
                     "--rate-limit", "1000", "--auto-approve"]
        let (interrupted, restarted) = try await onOwnThread { () throws -> (SourceCommandTests.Run, EmulatorProcess) in
            let process = try Apply.launch(apply)
            try (process.standardInput as! Pipe).fileHandleForWriting.close()
            // Killed once the emulator has answered two of the apply's creates, counted on the emulator: the
            // output can lag behind the work (its lines wait for the plan's text), and the kill must come with
            // changes still to make. At 200 ms an answer, what is left takes far longer than a look at the stats
            // on a loaded machine (at 25 ms a fast apply finished before the kill).
            Self.waitForCreates(at: port, count: seededCount + 2)
            let before = ""
            first.kill()
            if downUntilTheApplyEnds {
                let rest = Apply.wait(process)
                let restarted = try EmulatorProcess.start(arguments, port: port)
                return (SourceCommandTests.Run(status: rest.status, stdout: before + rest.stdout, stderr: rest.stderr), restarted)
            }
            usleep(300_000)
            let restarted = try EmulatorProcess.start(arguments, port: port)
            let rest = Apply.wait(process)
            return (SourceCommandTests.Run(status: rest.status, stdout: before + rest.stdout, stderr: rest.stderr), restarted)
        }
        #expect(restarted.port == port, "restarted on the same port")
        if downUntilTheApplyEnds {
            #expect(interrupted.status == 1, "with the API gone the apply fails: \(interrupted.stdout)")
            #expect(interrupted.stderr.contains("connection failed") || interrupted.stderr.contains("unknown outcome"),
                    "a clear error naming the failed connection: \(interrupted.stderr)")
        } else {
            // Riding through needs no retry when the apply sent nothing while the emulator was down (its next
            // request, on a loaded machine, can come after the restart, on a fresh connection).
            #expect(interrupted.status == 0 || interrupted.stderr.contains("connection failed") || interrupted.stderr.contains("unknown outcome"),
                    "rode through the restart, or failed clearly: \(interrupted.stderr)")
        }
        let afterKill = try #require(try StateFile(path: stateFile).load(), "the state file survived SIGKILL")
        Self.expectNothingHalfApplied(Self.state(afterKill), "after the kill")

        let again = try await Apply.run(apply)
        #expect(again.status == 0, "\(again.stderr)")
        restarted.kill()
        let final = try #require(try StateFile(path: stateFile).load())
        Self.expectConverged(Self.state(final), "re-run")
    }

    @Test func aSIGKILLDuringAStreamOfWritesLeavesEveryAcknowledgedWriteInTheStateFile() async throws {
        let directory = try TemporaryDirectory("chaos-state")
        let stateFile = directory.path + "/state.json"
        let arguments = ["--state", stateFile, "--token", "alice=\(Apply.token)", "--rate-limit", "0", "--model", "alice/s"]
        var random = SplitMix64(seed: 0x5747_4B11)
        var acknowledged = 0
        for trial in 1...5 {
            let emulator = try await onOwnThread { try EmulatorProcess.start(arguments) }
            // The kill lands after 1 to 4 acknowledged writes plus up to 20 ms, while the next is in flight:
            // counted, not timed, so it lands mid-stream however loaded the machine is.
            let target = Int.random(in: 1...4, using: &random)
            let jitter = UInt32.random(in: 0...20_000, using: &random)
            let first = acknowledged
            let count = Mutex(0)
            // Writes one version after another until the emulator is gone; counts the 201s.
            let writer = Task {
                try await onOwnThread { () -> Int in
                    for seed in (first + 1)... {
                        let body = """
                            {"release_notes": "v\(seed)", "container_image_digest": "\(repeatedDigest(seed % 250))",
                             "schemas": {"prediction": {"input": {"type": "object"}, "output": {"type": "string"}}}}
                            """
                        guard (try? Shell.run(["curl", "-sf", "-X", "POST", "-H", "Authorization: Bearer \(Apply.token)",
                                               "-H", "Content-Type: application/json", "-d", body, emulator.baseURL + "/models/alice/s/versions"])) != nil
                        else { break }
                        count.withLock { $0 += 1 }
                    }
                    return count.withLock { $0 }
                }
            }
            try await onOwnThread {
                // Bounded: a writer that cannot write at all fails the expectations below instead.
                for _ in 0..<3000 where count.withLock({ $0 }) < target { usleep(10_000) }
                usleep(jitter)
                emulator.kill()
            }
            acknowledged += try await writer.value
            let state = try #require(try StateFile(path: stateFile).load(), "trial \(trial): the state file loads after SIGKILL")
            let stored = state.models.first { $0.model.name == "s" }?.versions.count ?? 0
            #expect(stored >= acknowledged && stored <= acknowledged + 1,
                    "trial \(trial): every acknowledged write is on disk (\(stored) stored, \(acknowledged) acknowledged)")
            acknowledged = stored
        }
        #expect(acknowledged >= 5, "writes were acknowledged before every kill: \(acknowledged)")
    }

    static func state(_ state: EmulatorState) -> [String: [VersionRecord]] {
        var live: [String: [VersionRecord]] = [:]
        for stored in state.models { live["\(stored.model.owner)/\(stored.model.name)"] = stored.versions }
        return live
    }

    // MARK: - (b) Connections reset

    @Test func throughConnectionResetsRepeatedApplyConverges() async throws {
        let repository = try Self.repository()
        let cache = try TemporaryDirectory("chaos")
        let storage = try InMemoryEmulatorStorage()
        let faults = EmulatorConfiguration.Faults(seed: 20_261_130, resetRate: 0.2)
        try await withRunningEmulator(configuration: Apply.emulator(Self.models, faults: faults), storage: storage) { emulator in
            try await Self.seed(storage)
            let runs = try await Self.applyUntilConverged(["apply"] + Apply.flags(emulator, repository, cache) + ["--auto-approve"])
            #expect(runs.last?.status == 0, "converged within 6 runs: \(runs.map(\.status)), last stderr: \(runs.last?.stderr ?? "")")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.requests.contains { $0.status == 0 }, "connections were reset")
            Self.expectConverged(await Self.live(storage), "resets")
        }
    }

    // MARK: - (c) Answers slower than the client's timeout

    @Test func answersSlowerThanTheTimeoutAreResolvedWithoutADuplicate() async throws {
        let repository = try Self.repository()
        let cache = try TemporaryDirectory("chaos")
        let storage = try InMemoryEmulatorStorage()
        let faults = EmulatorConfiguration.Faults(seed: 7, slowRate: 0.3, slowMilliseconds: 2500)
        try await withRunningEmulator(configuration: Apply.emulator(Self.models, faults: faults), storage: storage) { emulator in
            try await Self.seed(storage)
            let arguments = ["apply"] + Apply.flags(emulator, repository, cache) + ["--auto-approve", "--api-timeout", "1"]
            let runs = try await Self.applyUntilConverged(arguments)
            #expect(runs.last?.status == 0, "converged within 6 runs: \(runs.map(\.status)), last stderr: \(runs.last?.stderr ?? "")")
            let output = runs.map { $0.stdout + $0.stderr }.joined()
            #expect(output.contains("timed out after 1 s"), "some requests timed out")
            // A slow answer still acted: a timed-out create sent again would be a POST more than the 7
            // versions to create. (Only if a machine were too loaded to act within the timeout could a
            // resend happen; its duplicate would then be removed and show in the output.)
            let removed = output.components(separatedBy: "an older duplicate of").count - 1
            // The emulator counts a request once its (held back) answer goes out, which may be after the
            // client gave up on it and the apply ended: wait for the slow answers still pending.
            var stats = try await PlanCommandTests.stats(emulator)
            for _ in 0..<50 where Apply.count(stats, "POST") - removed < 7 {
                try await Task.sleep(for: .milliseconds(200))
                stats = try await PlanCommandTests.stats(emulator)
            }
            #expect(Apply.count(stats, "POST") - removed == 7, "each create sent once: \(stats.requests)")
            Self.expectConverged(await Self.live(storage), "slow answers")
        }
    }

    // MARK: - (d) A 429 storm with its reset an hour away

    @Test func aRateLimitStormWithAFarResetFailsAtOnceAndARunAfterItConverges() async throws {
        let repository = try Self.repository()
        let cache = try TemporaryDirectory("chaos")
        let storage = try InMemoryEmulatorStorage()
        // Planning takes 4 requests (2 listings, 2 details); the storm begins a few writes later.
        let storm = EmulatorConfiguration.Faults(throttleSeconds: 3600, throttleAfter: 7)
        let arguments = { (emulator: RunningEmulator) in ["apply"] + Apply.flags(emulator, repository, cache) + ["--auto-approve"] }
        try await withRunningEmulator(configuration: Apply.emulator(Self.models, faults: storm), storage: storage) { emulator in
            try await Self.seed(storage)
            let clock = ContinuousClock()
            let start = clock.now
            let during = try await Apply.run(arguments(emulator))
            let elapsed = clock.now - start
            #expect(during.status == 1)
            // Not the hour to the reset: the bound leaves room for a loaded machine and still catches a wait for it.
            #expect(elapsed < .seconds(120), "a bounded wait, not an hour: \(elapsed)")
            let asked = during.stderr.range(of: #"the API asked to wait (\d+) s"#, options: .regularExpression)
                .flatMap { Int(during.stderr[$0].split(separator: " ")[5]) }
            // Up to a minute over the hour: the client errs late when an answer's `Date` reads behind its own
            // clock, which an emulator starved of its two cores (its date is refreshed once a second) has shown.
            #expect(asked.map { (3500...3660).contains($0) } == true, "an hour away, in whole seconds: \(during.stderr)")
            #expect(during.stderr.contains("rate limit reset at "), "\(during.stderr)")
            #expect(during.stderr.contains("giving up — retry later"), "\(during.stderr)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(stats.rateLimited >= 1 && stats.rateLimited <= 2, "at most one refused request per model reached the API: \(stats.rateLimited)")
            Self.expectNothingHalfApplied(await Self.live(storage), "during the storm")
        }
        // The storm is over: the same live state, served without it.
        try await withRunningEmulator(configuration: Apply.emulator(Self.models), storage: storage) { emulator in
            let after = try await Apply.run(arguments(emulator))
            #expect(after.status == 0, "\(after.stderr)")
            Self.expectConverged(await Self.live(storage), "after the storm")
        }
    }

    // MARK: - Two appliers at once

    @Test func twoAppliersAtOnceEndInTheDeclaredStateWithoutDuplicates() async throws {
        let repository = try Self.repository()
        // Some latency, so that the two applies overlap for most of their creates.
        let configuration = try Apply.emulator(Self.models, faults: .init(latencyMilliseconds: 10))
        var raced = 0
        for round in 1...5 {
            let caches = [try TemporaryDirectory("chaos-a"), try TemporaryDirectory("chaos-b")]
            let roundStorage = try InMemoryEmulatorStorage()
            try await withRunningEmulator(configuration: configuration, storage: roundStorage) { emulator in
                try await Self.seed(roundStorage)
                let runs = try await onOwnThread { () throws -> [SourceCommandTests.Run] in
                    let processes = try caches.map { cache in
                        let process = try Apply.launch(["apply"] + Apply.flags(emulator, repository, cache) + ["--auto-approve"])
                        try (process.standardInput as! Pipe).fileHandleForWriting.close()
                        return process
                    }
                    return processes.map(Apply.wait)
                }
                for run in runs { #expect(run.status == 0, "round \(round): \(run.stderr)") }
                let stats = try await PlanCommandTests.stats(emulator)
                if Apply.count(stats, "POST") > 7 { raced += 1 }
                Self.expectConverged(await Self.live(roundStorage), "round \(round)")
                let model = try await Apply.model(emulator, "alice/m1")
                #expect(model.latestVersion?.containerImageDigest == repeatedDigest(104), "round \(round): the last declared version is the latest")
            }
        }
        #expect(raced > 0, "the two applies did race to create the same versions in some round")
    }
}
