import BenchFixtures
import Foundation
import LiveState
import WriftAI
import WriftAIModels
#if canImport(Glibc)
import Glibc
#endif

/// `make bench`: the end-to-end suite of issue 8, run against release builds of `wriftsync` and
/// `wriftai-emulator` on loopback. Prints one table and writes bench/results.json.
///
/// Usage: wriftsync-bench --bin DIR --work DIR --out FILE [--micro FILE] [--package-root DIR]
@main
struct Harness {
    static func main() async {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let client = HTTP1Client()
        let started = now()
        var created: Suite?
        do {
            let suite = try Suite(arguments: arguments, http: HTTP(client: client))
            created = suite
            defer { suite.cleanUp() }
            try await suite.run()
            let measured = now() - started
            try suite.finish(measuredSeconds: measured)
            suite.removeGeneratedData()
            await client.shutdown()
            if suite.report.rows.contains(where: { $0.met == false }) {
                print("\nsome targets were missed (marked ✗ above)")
            }
        } catch {
            created?.cleanUp()
            await client.shutdown()
            FileHandle.standardError.write(Data("wriftsync-bench: error: \(error)\n".utf8))
            exit(1)
        }
    }
}

struct Arguments {
    var bin = ".build-bench/release"
    var work = "bench/tmp"
    var out = "bench/results.json"
    var micro: String?
    var packageRoot = "."
    /// `--only 1,7`: run just these items (for working on the harness; `make bench` runs all).
    var only: Set<Int>?

    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--bin": bin = value
            case "--work": work = value
            case "--out": out = value
            case "--micro": micro = value
            case "--package-root": packageRoot = value
            case "--only": only = Set(value.split(separator: ",").compactMap { Int($0) })
            default:
                FileHandle.standardError.write(Data("wriftsync-bench: unknown flag \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

/// The measurements, in the order. Sizes are chosen so the measured part fits in about 5 minutes
/// on 2 cores; every scaled-down run says so in its row, and projections are labelled as such.
final class Suite {
    let report = Report()
    let http: HTTP
    let wriftsync: String
    let emulatorBinary: String
    let work: String
    let out: String
    let micro: String?
    let packageRoot: String
    let only: Set<Int>?
    /// Emulator state files. The emulator journals every change to its state file and flushes it before
    /// answering: on tmpfs (/dev/shm) when there is one, so that the disk, not WriftSync, does not bound the
    /// apply figures.
    let stateDirectory: String
    /// Every emulator listens here, one after the other: the details cache is keyed by API host and port.
    let apiPort: Int

    /// "No rate limit" for the client: the emulator runs with `--rate-limit 0`.
    let unlimited = "100000"
    let inFlight = 4.0
    let latency = 0.020

    // The repositories and states.
    let steady = BenchFixtures.steadyState(models: 1_000, versions: 20, prefix: "m")
    let large = BenchFixtures.steadyState(models: 5_000, versions: 20, prefix: "g")
    let paced = BenchFixtures.steadyState(models: 30, versions: 20, prefix: "r")
    let applyUnlimited = BenchFixtures.applyWork(models: 50, creates: 10, deletes: 2, prefix: "a")
    let applyPaced = BenchFixtures.applyWork(models: 5, creates: 10, deletes: 2, prefix: "b")
    /// Back-to-back processes at 3/s: each plan lists 4 models, the apply makes 8 creates and 4 deletes.
    let backToBack = BenchFixtures.applyWork(models: 4, creates: 2, deletes: 1, prefix: "c")
    let parsing = BenchFixtures.steadyState(models: 10_000, versions: 2, prefix: "p")
    /// Models of the naive baseline's run at 20 ms latency (all 1,000 at latency 0).
    let naiveSubset = 25

    init(arguments: Arguments, http: HTTP) throws {
        self.http = http
        let root = URL(fileURLWithPath: arguments.packageRoot).standardizedFileURL.path
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : root + "/" + path
        }
        wriftsync = absolute(arguments.bin) + "/wriftsync"
        emulatorBinary = absolute(arguments.bin) + "/wriftai-emulator"
        work = absolute(arguments.work) + "/run"
        out = absolute(arguments.out)
        micro = arguments.micro.map(absolute)
        packageRoot = root
        only = arguments.only
        stateDirectory = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/wriftsync-bench-\(getpid())" : "\(work)/states"
        apiPort = try freePort()
        for binary in [wriftsync, emulatorBinary] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw HarnessError("\(binary) is missing: build it first (`make bench` does)")
        }
        try? FileManager.default.removeItem(atPath: work)
        for folder in ["repos", "states", "logs", "cache", "mirrors"] {
            try FileManager.default.createDirectory(atPath: "\(work)/\(folder)", withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    }

    func run() async throws {
        print("== generating repositories and emulator state")
        let started = now()
        let steadyRepo = try makeRepository("steady", steady)
        let largeRepo = try makeRepository("large", large)
        let pacedRepo = try makeRepository("paced", paced)
        let applyRepo = try makeRepository("apply", applyUnlimited)
        let applyPacedRepo = try makeRepository("apply-paced", applyPaced)
        let backToBackRepo = try makeRepository("back-to-back", backToBack)
        let parsingRepo = try makeRepository("files", parsing)
        print("   done in \(Format.seconds(now() - started))")

        func selected(_ items: Int...) -> Bool { only.map { !$0.isDisjoint(with: items) } ?? true }
        if selected(1, 4) { try await steadyStateRequests(steadyRepo) }
        if selected(2, 4) { try await steadyStateTime(steadyRepo, largeRepo) }
        if selected(3) {
            try await pacing(pacedRepo)
            try await backToBackProcesses(backToBackRepo)
        }
        if selected(5) { try await applyThroughput(applyRepo, applyPacedRepo) }
        if selected(6) { try parsingAndValidation(parsingRepo) }
        if selected(7) { try await git(parsingRepo, steadyRepo) }
        if selected(8) { try await idleTicks() }
    }

    // MARK: - 1 and 4: requests of a steady-state plan, and the naive baseline at latency 0

    func steadyStateRequests(_ repository: String) async throws {
        print("== 1. steady-state plan, 1,000 models × 20 versions: requests")
        let emulator = try startEmulator("steady", steady, latencyMs: 0, rateLimit: 0)
        defer { emulator.stop() }
        let models = steady.count
        let versions = 20
        let listingBound = models * Int((Double(versions) / 50).rounded(.up))

        try await emulator.resetStats()
        let cold = try plan(repository, cache: "steady", emulator: emulator, rateLimit: unlimited, logs: "plan-cold")
        let coldStats = try await emulator.stats()
        let coldBound = models + models * versions
        report.add(1, "plan 1,000 × 20, cold cache: requests", value: Format.count(coldStats.total),
                   reference: "\(Format.count(coldBound)) = 1,000 listings + 20,000 details", ratio: Format.ratio(Double(coldStats.total) / Double(coldBound)),
                   target: "= bound", met: coldStats.total == coldBound)
        report.record("plan_cold_requests", Double(coldStats.total))
        report.record("plan_cold_seconds", cold.seconds)

        try await emulator.resetStats()
        let warm = try plan(repository, cache: "steady", emulator: emulator, rateLimit: unlimited, logs: "plan-warm")
        let warmStats = try await emulator.stats()
        report.add(1, "plan 1,000 × 20, steady state: requests", value: Format.count(warmStats.total),
                   reference: "\(Format.count(listingBound)) = M × ⌈V/50⌉", ratio: Format.ratio(Double(warmStats.total) / Double(listingBound)),
                   target: "= bound", met: warmStats.total == listingBound)
        report.record("plan_warm_requests", Double(warmStats.total))
        report.record("plan_warm_listings", Double(warmStats.listings))
        report.record("plan_warm_seconds_latency0", warm.seconds)
        report.record("plan_warm_peak_rss_mib", warm.peakMiB)

        print("== 4. naive baseline (page size 25, every version's details, one at a time), latency 0")
        try await emulator.resetStats()
        let naive = try await NaiveBaseline(http: http, apiURL: emulator.apiURL).run(models: steady.map(\.identifier))
        let naiveStats = try await emulator.stats()
        report.add(4, "naive baseline, 1,000 × 20, latency 0: requests", value: Format.count(warmStats.total) + " (WriftSync)",
                   reference: Format.count(naiveStats.total) + " (naive)", ratio: Format.ratio(Double(naiveStats.total) / Double(warmStats.total)) + " fewer")
        report.add(4, "naive baseline, 1,000 × 20, latency 0: wall time", value: Format.seconds(warm.seconds) + " (WriftSync)",
                   reference: Format.seconds(naive.seconds) + " (naive)", ratio: Format.ratio(naive.seconds / warm.seconds) + " faster")
        let projectedNaive = Double(naiveStats.total) / 3
        let projectedWriftSync = Double(warmStats.total) / 3
        report.add(4, "projection at the real 3/s limit (requests ÷ 3)", value: Format.seconds(projectedWriftSync) + " (WriftSync)",
                   reference: Format.seconds(projectedNaive) + " (naive)", ratio: Format.ratio(projectedNaive / projectedWriftSync) + " faster")
        report.record("naive_requests", Double(naiveStats.total))
        report.record("naive_seconds_latency0", naive.seconds)
        report.record("naive_client_requests", Double(naive.requests))
    }

    // MARK: - 2 and 4: time at 20 ms latency, growth to 5,000 models, the naive baseline at 20 ms

    func steadyStateTime(_ steadyRepo: String, _ largeRepo: String) async throws {
        print("== 2. steady-state plan at --latency-ms 20, no rate limit")
        let bound1000: Double
        let time1000: Double
        let rss1000: Double
        do {
            let emulator = try startEmulator("steady", steady, latencyMs: 20, rateLimit: 0)
            defer { emulator.stop() }
            try await emulator.resetStats()
            let run = try plan(steadyRepo, cache: "steady", emulator: emulator, rateLimit: unlimited, logs: "plan-latency")
            let stats = try await emulator.stats()
            bound1000 = Double(stats.total) * latency / inFlight
            time1000 = run.seconds
            rss1000 = run.peakMiB
            report.add(2, "plan 1,000 × 20 at 20 ms: wall time", value: Format.seconds(run.seconds),
                       reference: Format.seconds(bound1000) + " = \(Format.count(stats.total)) req × 20 ms / 4", ratio: Format.ratio(run.seconds / bound1000),
                       target: "≤ 1.15×", met: run.seconds / bound1000 <= 1.15)
            report.record("plan_1000_latency20_seconds", run.seconds)
            report.record("plan_1000_latency20_requests", Double(stats.total))
            report.record("plan_1000_peak_rss_mib", run.peakMiB)

            print("== 4. naive baseline at 20 ms, on \(naiveSubset) models")
            let subset = Array(steady.prefix(naiveSubset))
            try await emulator.resetStats()
            let naive = try await NaiveBaseline(http: http, apiURL: emulator.apiURL).run(models: subset.map(\.identifier))
            let naiveStats = try await emulator.stats()
            let scale = Double(steady.count) / Double(naiveSubset)
            report.add(4, "naive baseline at 20 ms: \(naiveSubset) models measured, 1,000 projected (×\(Int(scale)))",
                       value: Format.seconds(run.seconds) + " (WriftSync, 1,000)",
                       reference: Format.seconds(naive.seconds * scale) + " (naive, projected)", ratio: Format.ratio(naive.seconds * scale / run.seconds) + " faster")
            report.record("naive_subset_models", Double(naiveSubset))
            report.record("naive_subset_requests_latency20", Double(naiveStats.total))
            report.record("naive_subset_seconds_latency20", naive.seconds)
        }

        print("== 2. growth: 5,000 models × 20 versions at 20 ms")
        let prefill = now()
        let emulator = try startEmulator("large", large, latencyMs: 20, rateLimit: 0) {
            try prefillDetailsCache("large", large)
            print("   details cache pre-filled (100,000 versions, as earlier plans leave it) in \(Format.seconds(now() - prefill))")
        }
        defer { emulator.stop() }
        // A previous plan also leaves the versions it found equal to their declarations recorded (verified.json):
        // one unmeasured plan brings the cache to that steady state.
        _ = try plan(largeRepo, cache: "large", emulator: emulator, rateLimit: unlimited, logs: "plan-large-warm")
        try await emulator.resetStats()
        let run = try plan(largeRepo, cache: "large", emulator: emulator, rateLimit: unlimited, logs: "plan-large")
        let stats = try await emulator.stats()
        let bound = Double(stats.total) * latency / inFlight
        report.add(2, "plan 5,000 × 20 at 20 ms: requests", value: Format.count(stats.total), reference: Format.count(large.count) + " = M × ⌈V/50⌉",
                   ratio: Format.ratio(Double(stats.total) / Double(large.count)), target: "= bound", met: stats.total == large.count)
        report.add(2, "plan 5,000 × 20 at 20 ms: wall time", value: Format.seconds(run.seconds),
                   reference: Format.seconds(bound) + " = \(Format.count(stats.total)) req × 20 ms / 4", ratio: Format.ratio(run.seconds / bound),
                   target: "≤ 1.15×", met: run.seconds / bound <= 1.15)
        report.add(2, "plan 5,000 × 20 at 20 ms: peak memory", value: Format.mib(run.peakMiB), reference: "300 MiB",
                   ratio: Format.ratio(run.peakMiB / 300), target: "≤ 300 MiB", met: run.peakMiB <= 300)
        report.add(2, "growth 1,000 → 5,000 models: time, peak memory", value: "\(Format.seconds(time1000)) → \(Format.seconds(run.seconds)); \(Format.mib(rss1000)) → \(Format.mib(run.peakMiB))",
                   reference: "5× models", ratio: "\(Format.ratio(run.seconds / time1000)) time, \(Format.ratio(run.peakMiB / rss1000)) memory")
        report.record("plan_5000_latency20_seconds", run.seconds)
        report.record("plan_5000_latency20_requests", Double(stats.total))
        report.record("plan_5000_peak_rss_mib", run.peakMiB)
    }

    // MARK: - 3: pacing at the real limit

    func pacing(_ repository: String) async throws {
        print("== 3. pacing: 30 models at the real limit, 3 requests/s")
        let emulator = try startEmulator("paced", paced, latencyMs: 0, rateLimit: 3) {
            try prefillDetailsCache("paced", paced)
        }
        defer { emulator.stop() }
        // The emulator's per-second window starts clean.
        try await Task.sleep(for: .seconds(1.1))
        try await emulator.resetStats()
        let run = try plan(repository, cache: "paced", emulator: emulator, rateLimit: "3", logs: "plan-paced")
        let stats = try await emulator.stats()
        let rate = Double(stats.total) / run.seconds
        report.add(3, "plan 30 models at 3/s: 429s received", value: String(stats.rateLimited), reference: "\(stats.total) requests",
                   target: "0", met: stats.rateLimited == 0)
        report.add(3, "plan 30 models at 3/s: achieved rate ÷ limit (whole process)", value: Format.rate(rate) + " in " + Format.seconds(run.seconds),
                   reference: "3.0/s", ratio: String(format: "%.2f", rate / 3), target: "≥ 0.9", met: rate / 3 >= 0.9)
        report.record("pacing_requests", Double(stats.total))
        report.record("pacing_429", Double(stats.rateLimited))
        report.record("pacing_seconds", run.seconds)
        report.record("pacing_rate_ratio", rate / 3)
    }

    /// The usual CI sequence, `plan; plan; plan --out F; apply --plan F`, one process right after the other
    /// on one token and cache directory at the real limit: each continues the window the previous one used
    /// (the shared pacing state under the cache directory) instead of starting with a fresh bucket in it.
    func backToBackProcesses(_ repository: String) async throws {
        print("== 3. back-to-back processes at 3/s: plan; plan; plan --out F; apply --plan F")
        let emulator = try startEmulator("back-to-back", backToBack, latencyMs: 0, rateLimit: 3)
        defer { emulator.stop() }
        try await Task.sleep(for: .seconds(1.1))
        try await emulator.resetStats()
        let cache = "\(work)/cache/back-to-back"
        let saved = "\(work)/back-to-back.plan.json"
        let common = ["--api-url", emulator.apiURL, "--cache-dir", cache, "--rate-limit", "3"]
        let planArguments = [wriftsync, "plan", "--repo", repository, "--path", "models"] + common
        let environment = ["WRIFTAI_ACCESS_TOKEN": Emulator.token, "NO_COLOR": "1"]
        let started = now()
        var notices = 0
        for (index, command) in [planArguments, planArguments, planArguments + ["--out", saved],
                                 [wriftsync, "apply", "--plan", saved, "--auto-approve", "--max-deletes", "100000"] + common].enumerated() {
            let run = try Processes.check(command, environment: environment, logs: "\(work)/logs/back-to-back-\(index + 1)")
            notices += run.stderr.components(separatedBy: "rate limited").count - 1
        }
        let seconds = now() - started
        let stats = try await emulator.stats()
        guard stats.creates == 8, stats.deletes == 4 else {
            throw HarnessError("the back-to-back apply made \(stats.creates) creates and \(stats.deletes) deletes, expected 8 and 4")
        }
        report.add(3, "4 back-to-back processes at 3/s (plan; plan; plan --out F; apply --plan F): 429s received",
                   value: String(stats.rateLimited), reference: "\(stats.total) requests in \(Format.seconds(seconds))",
                   target: "0", met: stats.rateLimited == 0)
        report.record("back_to_back_requests", Double(stats.total))
        report.record("back_to_back_429", Double(stats.rateLimited))
        report.record("back_to_back_rate_limited_notices", Double(notices))
        report.record("back_to_back_seconds", seconds)
    }

    // MARK: - 5: apply throughput

    func applyThroughput(_ unlimitedRepo: String, _ pacedRepo: String) async throws {
        // One run of each is one sample of a machine whose pace drifts by a few per cent from minute to minute:
        // three runs of each, alternated so that both see the same spells, and the medians reported.
        let trials = 3
        print("== 5. apply: 500 creates + 100 deletes at 20 ms, no limit; and the floor: as many requests from a minimal client")
        var applySeconds: [Double] = []
        var floorSeconds: [Double] = []
        var applyRequests = 0
        var floorSent = 0
        for trial in 1...trials {
            do {
                let emulator = try await startSeededEmulator("apply-\(trial)", applyUnlimited, latencyMs: 20, rateLimit: 0)
                defer { emulator.stop() }
                // A fresh cache each time: every run starts knowing nothing, as the first apply on a machine does.
                let (run, stats) = try await unlimitedApply(unlimitedRepo, emulator: emulator, name: "apply-\(trial)")
                guard applyRequests == 0 || applyRequests == stats.total else {
                    throw HarnessError("apply made \(stats.total) requests, \(applyRequests) in an earlier run")
                }
                applyRequests = stats.total
                applySeconds.append(run.seconds)
                emulator.stop()
                print("   apply \(trial): \(Format.seconds(run.seconds)); emulator CPU (start-up included) \(Format.seconds(emulator.server.cpuSeconds)), wriftsync CPU \(Format.seconds(run.cpuSeconds))")
                if trial == 1 {
                    report.record("apply_latency20_emulator_cpu_seconds", emulator.server.cpuSeconds)
                }
            }
            do {
                let emulator = try await startSeededEmulator("floor-\(trial)", Array(applyUnlimited.prefix(1)), latencyMs: 20, rateLimit: 0)
                defer { emulator.stop() }
                let connections = Int(inFlight)
                let each = (applyRequests + connections - 1) / connections
                let seconds = try FloorClient.run(
                    port: emulator.port, path: "/v1/models/\(applyUnlimited[0].identifier)/versions?page_size=50", token: Emulator.token,
                    connections: connections, requestsEach: each
                )
                floorSent = each * connections
                floorSeconds.append(seconds)
                print("   floor \(trial): \(Format.seconds(seconds))")
            }
        }
        let applyMedian = Self.median(applySeconds)
        let floorMedian = Self.median(floorSeconds)
        let applyActions = 600.0
        let applyBound = Double(applyRequests) * latency / inFlight
        let inMemoryRate = applyActions / applyMedian
        report.add(5, "apply 500 creates + 100 deletes at 20 ms: actions/s (median of \(trials) runs)",
                   value: Format.rate(inMemoryRate) + " (\(Format.seconds(applyMedian)); \(Self.spread(applySeconds)))",
                   reference: Format.rate(applyActions / applyBound) + " = \(Format.count(applyRequests)) req × 20 ms / 4",
                   ratio: String(format: "%.3f", applyBound / applyMedian),
                   target: "≥ 0.95", met: applyBound / applyMedian >= 0.95)
        report.record("apply_latency20_actions", applyActions)
        report.record("apply_latency20_requests", Double(applyRequests))
        report.record("apply_latency20_seconds", applyMedian)
        report.record("apply_latency20_seconds_min", applySeconds.min() ?? 0)
        report.record("apply_latency20_seconds_max", applySeconds.max() ?? 0)
        let floorBound = Double(floorSent) * latency / inFlight
        report.add(5, "the floor: \(Format.count(floorSent)) GETs at 20 ms from a minimal client, 4 connections: time (median of \(trials) runs)",
                   value: Format.seconds(floorMedian) + " (\(Self.spread(floorSeconds)))",
                   reference: Format.seconds(floorBound) + " = \(Format.count(floorSent)) req × 20 ms / 4", ratio: String(format: "%.3f", floorBound / floorMedian),
                   target: "reference for the row above")
        report.record("floor_latency20_seconds", floorMedian)
        report.record("floor_latency20_ratio", floorBound / floorMedian)
        // What WriftSync adds above the floor, run by run (start-up, the first request alone, the plan's end,
        // output and the record), free of the machine's drift between runs.
        let above = zip(applySeconds, floorSeconds).map { $0 - $1 }
        report.record("apply_latency20_above_floor_seconds", Self.median(above))
        print("   apply minus floor, run by run: \(above.map { Format.seconds($0) }.joined(separator: ", "))")

        print("== 5. the same apply against an emulator journaling every change to its --state file")
        do {
            let emulator = try startEmulator("apply-state", applyUnlimited, latencyMs: 20, rateLimit: 0)
            defer { emulator.stop() }
            let (run, stats) = try await unlimitedApply(unlimitedRepo, emulator: emulator, name: "apply-state")
            let achieved = Double(stats.creates + stats.deletes) / run.seconds
            let ratio = achieved / inMemoryRate
            report.add(5, "apply 500 creates + 100 deletes at 20 ms, emulator with --state: actions/s",
                       value: Format.rate(achieved) + " (\(Format.seconds(run.seconds)))", reference: Format.rate(inMemoryRate) + " (emulator in memory)",
                       ratio: String(format: "%.2f", ratio), target: "≥ 0.9", met: ratio >= 0.9)
            report.record("apply_state_latency20_seconds", run.seconds)
            report.record("apply_state_latency20_requests", Double(stats.total))
            report.record("apply_state_ratio_to_memory", ratio)
        }

        let creates = applyPaced.count * 10
        let deletes = applyPaced.count * 2
        print("== 5. apply at 3/s: \(creates) creates + \(deletes) deletes (scaled down from 600: 200+ s at 3/s)")
        let emulator = try await startSeededEmulator("apply-paced", applyPaced, latencyMs: 0, rateLimit: 3)
        defer { emulator.stop() }
        try await Task.sleep(for: .seconds(1.1))
        try await emulator.resetStats()
        let run = try apply(pacedRepo, cache: "apply-paced", emulator: emulator, rateLimit: "3", logs: "apply-paced")
        let stats = try await emulator.stats()
        let actions = stats.creates + stats.deletes
        guard stats.creates == creates, stats.deletes == deletes else {
            throw HarnessError("paced apply made \(stats.creates) creates and \(stats.deletes) deletes, expected \(creates) and \(deletes)")
        }
        let bound = Double(actions) / (Double(stats.total) / 3)
        let achieved = Double(actions) / run.seconds
        report.add(5, "apply \(creates) creates + \(deletes) deletes at 3/s: actions/s", value: Format.rate(achieved) + " (\(Format.seconds(run.seconds)))",
                   reference: Format.rate(bound) + " = \(actions) actions in \(stats.total) req at 3/s", ratio: String(format: "%.2f", achieved / bound),
                   target: "≥ 0.9", met: achieved / bound >= 0.9)
        report.add(5, "apply at 3/s: 429s received", value: String(stats.rateLimited), reference: "\(stats.total) requests", target: "0", met: stats.rateLimited == 0)
        report.record("apply_paced_actions", Double(actions))
        report.record("apply_paced_requests", Double(stats.total))
        report.record("apply_paced_seconds", run.seconds)
        report.record("apply_paced_429", Double(stats.rateLimited))
    }

    // MARK: - 6: parsing and validation

    func parsingAndValidation(_ repository: String) throws {
        print("== 6. parsing and validation of 10,000 declaration files")
        let run = try Processes.check([wriftsync, "validate", "--repo", repository, "--path", "models", "--cache-dir", "\(work)/cache/validate"],
                                      environment: ["NO_COLOR": "1"], logs: "\(work)/logs/validate")
        guard run.stdout.contains("valid: 10000 models") || run.stdout.contains("valid: 10,000 models") else {
            throw HarnessError("validate did not report 10,000 valid models: \(run.stdout.prefix(300))")
        }
        report.add(6, "wriftsync validate, 10,000 files (whole process, git read included)", value: Format.seconds(run.seconds) + ", peak " + Format.mib(run.peakMiB))
        report.record("validate_10000_seconds", run.seconds)
        report.record("validate_10000_peak_rss_mib", run.peakMiB)
        for (name, metrics) in microResults() {
            let wall = metrics["wallClock"].map { Format.seconds($0 / 1e9) } ?? "?"
            let mallocs = metrics["mallocCountTotal"].map { Format.count(Int($0)) } ?? "?"
            let peak = metrics["peakMemoryResident"].map { Format.mib($0 / 1_048_576) } ?? "?"
            let item = name.contains("Plan") ? 1 : 6
            report.add(item, "in-process (package-benchmark, p90): \(name)", value: "\(wall), \(mallocs) mallocs, peak \(peak)")
            for (metric, value) in metrics {
                report.record("micro_\(name.lowercased().filter { $0.isLetter || $0.isNumber })_\(metric)", value)
            }
        }
    }

    /// The micro-benchmarks' p90s as `WriftSyncBenchmarks --out FILE` writes them: `{"name": {"metric": value}}`,
    /// raw values (nanoseconds, bytes, counts).
    func microResults() -> [(String, [String: Double])] {
        guard let micro else {
            report.note("micro-benchmarks were not run (no --micro file)")
            return []
        }
        guard let data = FileManager.default.contents(atPath: micro),
              let results = try? JSONDecoder().decode([String: [String: Double]].self, from: data)
        else {
            report.note("micro-benchmarks: \(micro) is missing or not their results")
            return []
        }
        return results.sorted { $0.key < $1.key }
    }

    // MARK: - 7: git

    func git(_ filesRepo: String, _ steadyRepo: String) async throws {
        print("== 7. git: a 10,000-file repository over git:// and smart HTTP")
        let reposRoot = "\(work)/repos"
        let daemonPort = try freePort()
        let execPath = try Processes.check(["git", "--exec-path"], logs: "\(work)/logs/exec-path").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try Server("git daemon", [execPath + "/git-daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(daemonPort)",
                                               "--base-path=\(reposRoot)", reposRoot],
                                logs: "\(work)/logs/git-daemon", ready: { _ in true }, port: daemonPort)
        defer { daemon.stop() }
        let httpServer = try Server("git http server", ["python3", "\(packageRoot)/Tests/Fixtures/git_http_server.py", "--root", reposRoot, "--port", "0"],
                                    logs: "\(work)/logs/git-http", ready: { $0.hasPrefix("listening ") })
        defer { httpServer.stop() }
        let httpPort = String(httpServer.readyLine.dropFirst("listening ".count))
        let name = URL(fileURLWithPath: filesRepo).lastPathComponent
        let transports = [("git://", "git://127.0.0.1:\(daemonPort)/\(name)"), ("smart HTTP", "http://localhost:\(httpPort)/\(name)")]
        for (label, url) in transports {
            let key = label == "git://" ? "git" : "http"
            let cache = "\(work)/cache/source-\(key)"
            let clone = try Processes.check([wriftsync, "source", "--repo", url, "--path", "models", "--cache-dir", cache], logs: "\(work)/logs/source-clone-\(key)")
            let fetch = try Processes.check([wriftsync, "source", "--repo", url, "--path", "models", "--cache-dir", cache], logs: "\(work)/logs/source-fetch-\(key)")
            let mirror = "\(work)/mirrors/\(key).git"
            let gitClone = try Processes.check(["git", "clone", "--mirror", "-q", url, mirror], logs: "\(work)/logs/git-clone-\(key)")
            let gitFetch = try Processes.check(["git", "-C", mirror, "fetch", "-q"], logs: "\(work)/logs/git-fetch-\(key)")
            report.add(7, "first clone, \(label) (wriftsync source: fetch + read 10,000 files)", value: Format.seconds(clone.seconds),
                       reference: Format.seconds(gitClone.seconds) + " (git clone --mirror)", ratio: Format.ratio(clone.seconds / gitClone.seconds))
            report.add(7, "no-op fetch, \(label) (wriftsync source: fetch + read 10,000 files)", value: Format.seconds(fetch.seconds),
                       reference: Format.seconds(gitFetch.seconds) + " (git fetch)", ratio: Format.ratio(fetch.seconds / gitFetch.seconds))
            report.record("git_\(key)_clone_wriftsync_seconds", clone.seconds)
            report.record("git_\(key)_clone_git_seconds", gitClone.seconds)
            report.record("git_\(key)_fetch_wriftsync_seconds", fetch.seconds)
            report.record("git_\(key)_fetch_git_seconds", gitFetch.seconds)
            report.record("git_\(key)_clone_wriftsync_peak_rss_mib", clone.peakMiB)
        }
        try await incrementalReconcile(steadyRepo)
    }

    /// `wriftsync run` on the 1,000-model repository: after its first full reconcile, a commit adds a
    /// version to one model; the next tick should list that model only (and create the version).
    func incrementalReconcile(_ repository: String) async throws {
        print("== 7. incremental reconcile: a commit touching 1 of 1,000 models")
        let emulator = try startEmulator("steady", steady, latencyMs: 0, rateLimit: 0)
        defer { emulator.stop() }
        let runner = try Server(
            "wriftsync run",
            [wriftsync, "run", "--repo", repository, "--path", "models", "--cache-dir", "\(work)/cache/steady", "--api-url", emulator.apiURL,
             "--rate-limit", unlimited, "--interval", "500ms", "--jitter", "0%", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--log-format", "json"],
            environment: ["WRIFTAI_ACCESS_TOKEN": Emulator.token, "NO_COLOR": "1"],
            logs: "\(work)/logs/run",
            ready: { $0.hasPrefix("listening on ") }
        )
        defer { runner.stop() }
        let statusURL = String(runner.readyLine.dropFirst("listening on ".count)).trimmingCharacters(in: .whitespaces) + "/status"
        let head = try gitHead(repository)
        _ = try await waitForStatus(statusURL, appliedCommit: head, timeout: 120)
        try await emulator.resetStats()

        let model = steady[7]
        var changed = model
        changed.declared.append(21)
        try BenchFixtures.declarationYAML(changed).write(toFile: "\(repository)/\(BenchFixtures.path(of: model))", atomically: true, encoding: .utf8)
        try commit(repository, message: "Add version 21 of \(model.identifier)")
        let newHead = try gitHead(repository)
        let committed = now()
        _ = try await waitForStatus(statusURL, appliedCommit: newHead, timeout: 60)
        let seconds = now() - committed
        let stats = try await emulator.stats()
        let runExit = runner.stop()
        guard runExit.status == 0 else { throw HarnessError("wriftsync run exited \(runExit.status)") }
        report.add(7, "incremental reconcile, 1 of 1,000 models changed: listings", value: String(stats.listings),
                   reference: "1 (+ \(stats.total - stats.listings) other: the create)", target: "= 1", met: stats.listings == 1)
        report.record("incremental_listings", Double(stats.listings))
        report.record("incremental_requests", Double(stats.total))
        report.record("incremental_seconds_commit_to_applied", seconds)
    }

    func waitForStatus(_ url: String, appliedCommit: String, timeout: Double) async throws -> [String: Any] {
        let deadline = now() + timeout
        while now() < deadline {
            if let answer = try? await http.send(.get, url), answer.status == 200,
               let object = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
               object["last_applied_commit"] as? String == appliedCommit {
                return object
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("wriftsync run did not apply \(appliedCommit) within \(Int(timeout)) s (see \(work)/logs/run.*)")
    }

    // MARK: - Helpers

    /// After a complete run: the generated repositories, caches and mirrors (about 700 MB); the logs stay.
    func removeGeneratedData() {
        for folder in ["cache", "mirrors", "repos"] {
            try? FileManager.default.removeItem(atPath: "\(work)/\(folder)")
        }
    }

    /// Removes the state files (they may be on tmpfs, i.e. in memory).
    func cleanUp() {
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    func finish(measuredSeconds: Double) throws {
        report.note("Every emulator listens on one loopback port in turn: the details cache is keyed by API host and port, so the cold plan of item 1 warms it for items 2 and 7; items 2 (5,000 models) and 3 start from a cache pre-filled the way a previous plan leaves it.")
        report.note("Scaled down to fit make bench: the naive baseline at 20 ms latency runs on \(naiveSubset) models and is projected to 1,000 (×\(steady.count / naiveSubset)); the apply at 3/s runs \(applyPaced.count * 12) actions instead of 600. Projections at 3/s are requests ÷ 3.")
        print("\n" + report.table() + "\n")
        for note in report.notes { print("note: \(note)") }
        try report.write(to: out, machine: machine(), measuredSeconds: measuredSeconds)
        print("\nwrote \(out) (measured part: \(Format.seconds(measuredSeconds)))")
    }

    func machine() -> Report.Machine {
        let swift = (try? Processes.run(["swift", "--version"], logs: "\(work)/logs/swift-version"))?.stdout
            .split(separator: "\n").first.map(String.init) ?? "unknown"
        var name = utsname()
        uname(&name)
        let kernel = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let memory = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_073_741_824
        return Report.Machine(
            cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryGiB: (memory * 10).rounded() / 10,
            date: Date().formatted(.iso8601),
            swift: swift,
            kernel: kernel
        )
    }

    /// `meanwhile` runs while the emulator loads its state.
    func startEmulator(_ name: String, _ models: [BenchFixtures.ModelSpec], latencyMs: Int, rateLimit: Int,
                       meanwhile: () throws -> Void = {}) throws -> Emulator {
        // A fresh copy each time: the emulator journals every change (apply) to its state file.
        let state = "\(stateDirectory)/\(name).json"
        try BenchFixtures.emulatorStateJSON(models).write(toFile: state, atomically: false, encoding: .utf8)
        return try Emulator(binary: emulatorBinary, state: state, port: apiPort, latencyMs: latencyMs, rateLimit: rateLimit,
                            logs: "\(work)/logs/emulator-\(name)-\(latencyMs)ms-\(rateLimit)", http: http, meanwhile: meanwhile)
    }

    /// An emulator in memory (no state file, the reference the `--state` apply row is compared with), its
    /// live versions created through the API.
    func startSeededEmulator(_ name: String, _ models: [BenchFixtures.ModelSpec], latencyMs: Int, rateLimit: Int) async throws -> Emulator {
        let emulator = try Emulator(binary: emulatorBinary, state: nil, models: models.map(\.identifier), port: apiPort, latencyMs: latencyMs,
                                    rateLimit: rateLimit, logs: "\(work)/logs/emulator-\(name)-\(latencyMs)ms-\(rateLimit)", http: http, meanwhile: {})
        do {
            for model in models {
                for index in model.live {
                    try await emulator.create(model: model.identifier, body: BenchFixtures.createRequestJSON(model: model.identifier, index: index))
                }
            }
        } catch {
            emulator.stop()
            throw error
        }
        return emulator
    }

    /// Stores every live version's details in the cache as a plan stores them after fetching them.
    func prefillDetailsCache(_ cacheName: String, _ models: [BenchFixtures.ModelSpec]) throws {
        let cache = VersionDetailsCache(cacheDirectory: "\(work)/cache/\(cacheName)", baseURL: "http://127.0.0.1:\(apiPort)/v1")
        // One decoded version as a template; the others differ only in these four fields.
        let template = try JSONDecoder().decode(
            ModelVersionDetails.self,
            from: Data(BenchFixtures.versionJSON(model: "bench/template", index: 1, includingConfiguration: false).utf8)
        )
        DispatchQueue.concurrentPerform(iterations: models.count) { position in
            let model = models[position]
            for index in model.live {
                var details = template
                details.number = index
                details.releaseNotes = BenchFixtures.releaseNotes(model: model.identifier, index: index)
                details.createdAt = BenchFixtures.createdAt(index: index)
                details.containerImageDigest = BenchFixtures.digest(model: model.identifier, index: index)
                cache.store(details, model: model.identifier)
            }
        }
    }

    /// 5,000 models of 20 declared versions are about 50 MB of YAML and 4.5 million nodes: over the default
    /// 32 MiB (and its 2 million nodes), as a repository that large must say so.
    static let maxTotalSize = String(256 << 20)

    func plan(_ repository: String, cache: String, emulator: Emulator, rateLimit: String, logs: String) throws -> Finished {
        try Processes.check(
            [wriftsync, "plan", "--repo", repository, "--path", "models", "--cache-dir", "\(work)/cache/\(cache)", "--api-url", emulator.apiURL,
             "--rate-limit", rateLimit, "--detailed-exitcode", "--max-total-size", Self.maxTotalSize],
            environment: ["WRIFTAI_ACCESS_TOKEN": Emulator.token, "NO_COLOR": "1"],
            logs: "\(work)/logs/\(logs)"
        )
    }

    /// The row's apply (500 creates + 100 deletes, no client limit) against `emulator`, its stats counted from
    /// zero and checked; `name` names its cache and logs.
    func unlimitedApply(_ repository: String, emulator: Emulator, name: String) async throws -> (Finished, EmulatorStats) {
        try await emulator.resetStats()
        let run = try apply(repository, cache: name, emulator: emulator, rateLimit: unlimited, logs: name)
        let stats = try await emulator.stats()
        guard stats.creates == 500, stats.deletes == 100 else {
            throw HarnessError("\(name) made \(stats.creates) creates and \(stats.deletes) deletes, expected 500 and 100")
        }
        return (run, stats)
    }

    /// The middle value (the mean of the two middle ones for an even count); 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The runs' range, for the table: `4.19–4.25 s`.
    static func spread(_ seconds: [Double]) -> String {
        guard let low = seconds.min(), let high = seconds.max() else { return "" }
        return String(format: "%.2f–%.2f s", low, high)
    }

    func apply(_ repository: String, cache: String, emulator: Emulator, rateLimit: String, logs: String) throws -> Finished {
        try Processes.check(
            [wriftsync, "apply", "--repo", repository, "--path", "models", "--cache-dir", "\(work)/cache/\(cache)", "--api-url", emulator.apiURL,
             "--rate-limit", rateLimit, "--auto-approve", "--max-deletes", "100000", "--max-total-size", Self.maxTotalSize],
            environment: ["WRIFTAI_ACCESS_TOKEN": Emulator.token, "NO_COLOR": "1"],
            logs: "\(work)/logs/\(logs)"
        )
    }

    /// A git repository (with a work tree, read in place by WriftSync) holding one declaration file per model.
    func makeRepository(_ name: String, _ models: [BenchFixtures.ModelSpec]) throws -> String {
        let path = "\(work)/repos/\(name).git"
        try FileManager.default.createDirectory(atPath: "\(path)/models", withIntermediateDirectories: true)
        for (file, text) in BenchFixtures.declarationFiles(models) {
            try text.write(toFile: "\(path)/\(file)", atomically: false, encoding: .utf8)
        }
        try Processes.check(["git", "-c", "init.defaultBranch=main", "init", "-q", path], logs: "\(work)/logs/git-init-\(name)")
        try commit(path, message: "\(models.count) models")
        return path
    }

    func commit(_ repository: String, message: String) throws {
        try Processes.check(["git", "-C", repository, "add", "-A"], logs: "\(work)/logs/git-add")
        try Processes.check(["git", "-C", repository, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", message],
                            logs: "\(work)/logs/git-commit")
    }

    func gitHead(_ repository: String) throws -> String {
        try Processes.check(["git", "-C", repository, "rev-parse", "HEAD"], logs: "\(work)/logs/git-head").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
