@testable import Controller
import Pipeline
import Foundation
import GitSource
import LiveState
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The loop with the real reconciler, in process: a git repository on disk and the emulator on loopback.
@Suite struct ReconcilerTests {
    static let token = "controller-test-token"

    static func declaration(_ model: String, _ seeds: [Int]) -> String {
        var yaml = "model: \(model)\nversions:\n"
        for seed in seeds {
            yaml += """
              - container_image_digest: "\(digest(seed))"
                release_notes: "v\(seed)"
                schemas: {prediction: {input: {type: object}, output: {type: string}}}

            """
        }
        return yaml
    }

    static func emulator(_ models: [String]) throws -> EmulatorConfiguration {
        try EmulatorFixture.configuration(token: token, models: models)
    }

    /// A loop reconciling `repository` against `emulator`, run for the duration of `body`, waiting on `clock`:
    /// only the test moves it, so each tick comes when the test asks (the reconcile itself runs in real time).
    static func withLoop<T: Sendable>(
        _ repository: GitRepositoryOnDisk, _ emulator: RunningEmulator, dryRun: Bool = false,
        interval: Duration = .milliseconds(200), backoff: Duration = .milliseconds(50), clock: TestClock,
        _ body: (StatusStore, ControllerMetrics) async throws -> T
    ) async throws -> T {
        let configuration = WriftAIClient.Configuration(
            server: .init(baseURL: emulator.baseURL), token: AccessToken(token),
            retry: RetryPolicy(maxRetries: 0, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10)),
            pacing: .init(requestsPerSecond: nil)
        )
        let metrics = ControllerMetrics()
        return try await WriftAIClient.withClient(configuration: configuration, logger: testLogger, metricsFactory: metrics.factory) { client in
            let controller = buildController(
                pipeline: try Self.pipeline(repository, emulator),
                client: client,
                configuration: ControllerConfiguration(
                    schedule: Schedule(interval: interval, jitter: 0, driftInterval: .seconds(3600), initialBackoff: backoff), dryRun: dryRun
                ),
                metrics: metrics, logger: testLogger, clock: .test(clock)
            )
            return try await withRunningLoop(controller.loop) { try await body(controller.status, metrics) }
        }
    }

    /// The pipeline `run` builds for `repository` (ref main, directory models) against `emulator`.
    static func pipeline(_ repository: GitRepositoryOnDisk, _ emulator: RunningEmulator, maxDeletes: Int = 10) throws -> ReconcilePipeline {
        ReconcilePipeline(configuration: PipelineConfiguration(
            repository: .init(
                spec: try RepositorySpec(repository.path), source: GitSource(configuration: GitSourceConfiguration(cacheDirectory: repository.cache)),
                ref: "main", directory: "models"
            ),
            rails: .init(maxDeletes: maxDeletes),
            detailsCache: VersionDetailsCache(cacheDirectory: repository.cache, baseURL: emulator.baseURL),
            rateLimit: 1000
        ))
    }

    static func digests(_ storage: InMemoryEmulatorStorage, _ model: String) async -> [String] {
        await EmulatorFixture.live(storage, model).map(\.containerImageDigest)
    }

    static func listings(_ emulator: RunningEmulator) async throws -> Int {
        let stats = try await EmulatorFixture.stats(emulator)
        return stats.requests.filter { $0.method == "GET" && $0.route.hasSuffix("{name}/versions") }.reduce(0) { $0 + $1.count }
    }

    static func writes(_ emulator: RunningEmulator) async throws -> Int {
        let stats = try await EmulatorFixture.stats(emulator)
        return stats.requests.filter { ["POST", "PATCH", "DELETE"].contains($0.method) }.reduce(0) { $0 + $1.count }
    }

    @Test func aNewCommitIsAppliedWithinOneIntervalListingOnlyTheChangedModel() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: [
            "models/a.yaml": Self.declaration("alice/a", [1, 2]),
            "models/b.yaml": Self.declaration("alice/b", [3]),
        ])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a", "alice/b"]), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock()
            try await Self.withLoop(repository, emulator, clock: clock) { status, metrics in
                // The first run is over when the loop first waits.
                try await clock.waitForSleeps(1)
                #expect(status.current.lastAppliedCommit != nil)
                #expect(await Self.digests(storage, "alice/a") == [1, 2].map(digest))
                #expect(await Self.digests(storage, "alice/b") == [3].map(digest))
                #expect(try await Self.listings(emulator) == 2, "the first reconcile lists every model; its creates numbered right after the listing need no duplicate check")

                try await repository.commit(["models/b.yaml": Self.declaration("alice/b", [3, 4])])
                let head = try await repository.head()
                // One interval later, one tick.
                try await clock.nextSleep { clock.advance(by: .milliseconds(200)) }
                #expect(status.current.lastAppliedCommit == head)
                #expect(await Self.digests(storage, "alice/b") == [3, 4].map(digest))
                #expect(try await Self.listings(emulator) == 3, "the new commit listed alice/b alone")

                let samples = try #require(prometheusSamples(metrics.render()))
                #expect(sample(samples, "wriftsync_last_applied_revision_info", ["commit": head]) == 1)
                #expect(samples.contains { $0.name == "wriftsync_api_requests_total" && $0.labels["method"] == "POST" && $0.value >= 1 },
                        "the client's request counter lands in the same registry")
            }
        }
    }

    @Test func aDryRunReportsDriftAndNeverWrites() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: ["models/a.yaml": Self.declaration("alice/a", [1, 2, 3])])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"]), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock()
            try await Self.withLoop(repository, emulator, dryRun: true, clock: clock) { status, metrics in
                try await clock.waitForSleeps(1)
                for _ in 1...2 {
                    try await clock.nextSleep { clock.advance(by: .milliseconds(200)) }
                }
                #expect(status.current.reconciles >= 3)
                #expect(status.current.lastPlan == ChangeCounts(create: 3))
                let samples = try #require(prometheusSamples(metrics.render()))
                #expect(sample(samples, "wriftsync_drift_detected", ["model": "alice/a"]) == 1)
                #expect(sample(samples, "wriftsync_planned_changes", ["action": "create"]) == 3)
            }
            #expect(try await Self.writes(emulator) == 0)
            #expect(await Self.digests(storage, "alice/a").isEmpty)
        }
    }

    @Test func aFailingAPIIsRetriedWithBackoffAndTheLoopRecovers() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: ["models/a.yaml": Self.declaration("alice/a", [1])])
        let storage = try InMemoryEmulatorStorage()
        // The model does not exist yet: every listing fails (404) until it is created.
        try await withRunningEmulator(configuration: Self.emulator([]), storage: storage, logger: testLogger) { emulator in
            // An hour-long interval: only the backoff can bring the retries.
            let clock = TestClock()
            try await Self.withLoop(repository, emulator, interval: .seconds(3600), backoff: .milliseconds(20), clock: clock) { status, metrics in
                try await clock.waitForSleeps(1)
                for _ in 1...2 {
                    try await clock.nextSleep { clock.advanceToNextDeadline() }
                }
                #expect(status.current.reconciles >= 3)
                #expect(clock.sleeps == [.milliseconds(20), .milliseconds(40), .milliseconds(80)], "each failure doubles the backoff")
                #expect(status.current.lastError != nil && status.current.failingSince != nil)
                _ = try await storage.createModel(ModelRecord(
                    id: "model-a", owner: "alice", name: "a", visibility: .private, createdAt: "2026-01-01T00:00:00.000Z"
                ))
                try await clock.nextSleep { #expect(clock.advanceToNextDeadline() == .milliseconds(80), "the retry, not the hour-long tick") }
                #expect(status.current.lastAppliedCommit != nil)
                #expect(status.current.lastError == nil && status.current.failingSince == nil)
                let samples = try #require(prometheusSamples(metrics.render()))
                #expect((sample(samples, "wriftsync_reconcile_total", ["result": "failure"]) ?? 0) >= 2)
                #expect(sample(samples, "wriftsync_reconcile_total", ["result": "success"]) == 1)
            }
            #expect(await Self.digests(storage, "alice/a") == [digest(1)])
        }
    }
}

/// What ticks cost: nothing at all without a new commit; one parse per changed file with one.
@Suite struct IncrementalReconcileTests {
    typealias R = ReconcilerTests

    static func parsed(_ metrics: ControllerMetrics) throws -> Double {
        let samples = try #require(prometheusSamples(metrics.render()))
        return try #require(sample(samples, "wriftsync_declaration_files_parsed_total"))
    }

    @Test func idleTicksReadNothingAndACommitParsesOnlyTheFileItChanged() async throws {
        let models = (0..<20).map { "alice/m\($0)" }
        var files: [String: String] = [:]
        for (index, model) in models.enumerated() { files["models/m\(index).yaml"] = R.declaration(model, [index + 1]) }
        let repository = try await GitRepositoryOnDisk.make(files: files)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: R.emulator(models), storage: storage, logger: testLogger) { emulator in
            let clock = TestClock()
            try await R.withLoop(repository, emulator, interval: .milliseconds(20), clock: clock) { status, metrics in
                try await clock.waitForSleeps(1)
                #expect(status.current.lastAppliedCommit != nil)
                #expect(try Self.parsed(metrics) == 20)
                let listings = try await R.listings(emulator)
                let ticks = status.current.reconciles
                for _ in 1...10 {
                    try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
                }
                #expect(status.current.reconciles >= ticks + 10)
                #expect(try await R.listings(emulator) == listings, "an unchanged commit makes no API request")
                #expect(try Self.parsed(metrics) == 20, "an unchanged commit parses nothing")

                try await repository.commit(["models/m7.yaml": R.declaration("alice/m7", [8, 9])])
                let head = try await repository.head()
                try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
                #expect(status.current.lastAppliedCommit == head)
                #expect(try Self.parsed(metrics) == 21, "1 of 20 files changed: 1 parsed")
                #expect(try await R.listings(emulator) == listings + 1, "and only its model listed")
                #expect(await R.digests(storage, "alice/m7") == [8, 9].map(digest))
            }
        }
    }

    @Test func invalidDeclarationsStallWithoutRetriesThenANewCommitIsApplied() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: ["models/a.yaml": R.declaration("alice/a", [1])])
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: R.emulator(["alice/a"]), storage: storage, logger: testLogger) { emulator in
            // Backoff an hour: only the ticks bring reconciles after a failure, and a stalled one skips its commit.
            let clock = TestClock()
            try await R.withLoop(repository, emulator, interval: .milliseconds(20), backoff: .seconds(3600), clock: clock) { status, metrics in
                try await clock.waitForSleeps(1)
                #expect(status.current.lastAppliedCommit != nil)
                try await repository.commit(["models/a.yaml": "model: alice/a\nversions: nope\n"])
                try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
                #expect(status.current.lastFailure?.failureClass == .stalled)
                let failure = try #require(status.current.lastFailure)
                #expect(failure.stage == .load)
                #expect(failure.problems?.first?.hasPrefix("models/a.yaml:2:11: ") == true, "\(failure)")
                let listings = try await R.listings(emulator)
                let parsed = try Self.parsed(metrics)
                let ticks = status.current.reconciles
                for _ in 1...10 {
                    try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
                }
                #expect(status.current.reconciles >= ticks + 10)
                #expect(try Self.parsed(metrics) == parsed, "the stalled commit is not read again")
                #expect(try await R.listings(emulator) == listings)
                let samples = try #require(prometheusSamples(metrics.render()))
                #expect(sample(samples, "wriftsync_reconcile_failures_total", ["class": "stalled"]) == 1)

                try await repository.commit(["models/a.yaml": R.declaration("alice/a", [1, 2])])
                let head = try await repository.head()
                try await clock.nextSleep { clock.advance(by: .milliseconds(20)) }
                #expect(status.current.lastAppliedCommit == head)
                #expect(status.current.lastFailure == nil)
                #expect(await R.digests(storage, "alice/a") == [1, 2].map(digest))
            }
        }
    }
}

/// A git repository in a temporary directory (a ``TestRepository``), with a mirror cache beside it; made and
/// changed off the cooperative pool, which the in-process emulator needs.
final class GitRepositoryOnDisk: Sendable {
    let repository: TestRepository
    let cacheDirectory: TemporaryDirectory
    var path: String { repository.path }
    var cache: String { cacheDirectory.path }

    /// A repository holding `files` in one commit.
    static func make(files: [String: String]) async throws -> GitRepositoryOnDisk {
        try await onOwnThread { try GitRepositoryOnDisk(repository: TestRepository(files: files), cache: TemporaryDirectory("controller-cache")) }
    }

    private init(repository: TestRepository, cache: TemporaryDirectory) {
        self.repository = repository
        self.cacheDirectory = cache
    }

    /// Writes `files` and commits them.
    func commit(_ files: [String: String]) async throws {
        let repository = repository
        try await onOwnThread {
            for (file, content) in files { try repository.write(file, content) }
            try repository.commit("change")
        }
    }

    func head() async throws -> String {
        let repository = repository
        return try await onOwnThread { try repository.head().hex }
    }
}
