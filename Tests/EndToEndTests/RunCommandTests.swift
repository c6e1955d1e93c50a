import Controller
import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// `wriftsync run` end to end: the built executable reconciling a real git repository against the emulator.
/// The loop's scheduling, metrics and endpoints are tested in-process in ControllerTests.
@Suite(.onOwnThreads) struct RunCommandTests {
    typealias Apply = ApplyCommandTests

    static func flags(_ emulator: RunningEmulator, _ repository: TestRepository, _ cache: TemporaryDirectory) -> [String] {
        Apply.flags(emulator, repository, cache) + ["--log-format", "json"]
    }

    /// GET requests listing a model's versions.
    static func listings(_ stats: EmulatorStats) -> Int {
        stats.requests.filter { $0.method == "GET" && $0.route.hasSuffix("{name}/versions") }.reduce(0) { $0 + $1.count }
    }

    /// The `listening on http://…` address `run --listen` prints first.
    static func listenAddress(_ process: ChildProcess) async throws -> String {
        let line = try await Launcher.firstLine(of: process)
        return try #require(line.components(separatedBy: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") })
            .replacingOccurrences(of: "listening on ", with: "")
    }

    /// Waits (up to a generous limit) until `condition` holds.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Sends SIGTERM and reaps the process (off the cooperative pool).
    static func terminate(_ process: ChildProcess) async throws -> SourceCommandTests.Run {
        try await onOwnThread {
            kill(process.processIdentifier, SIGTERM)
            return Apply.wait(process)
        }
    }

    @Test func onceAppliesEverythingAndExitsLikeApplyAndDryRunOnlyReportsDrift() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Apply.declaration("alice/a", [1, 2]),
            "models/b.yaml": Apply.declaration("alice/b", [3]),
        ])
        let cache = try TemporaryDirectory("run")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            let first = try await Apply.run(["run", "--once"] + Self.flags(emulator, repository, cache))
            #expect(first.status == 0, "\(first.stderr)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
            #expect(await Apply.liveDigests(storage, "alice/b") == [3].map(repeatedDigest))
            #expect(first.stderr.contains(#""message":"reconcile succeeded""#), "JSON log lines: \(first.stderr)")
            #expect(first.stderr.components(separatedBy: #""message":"action""#).count - 1 == 3, "one line per action")
            #expect(!first.stderr.contains(Apply.token), "the token is never logged")

            // Out-of-band: a version deleted through the API. The dry run reports it and writes nothing.
            _ = try await storage.deleteVersion(owner: "alice", name: "b", number: 1)
            try await PlanCommandTests.resetStats(emulator)
            let dry = try await Apply.run(["run", "--once", "--dry-run"] + Self.flags(emulator, repository, cache))
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stderr.contains("drift: would create") && dry.stderr.contains("alice/b"), "\(dry.stderr)")
            #expect(Apply.writes(try await PlanCommandTests.stats(emulator)) == 0, "--dry-run never writes")
            #expect(await Apply.liveDigests(storage, "alice/b").isEmpty)

            // Invalid declarations: exit 1, as apply.
            try repository.write("models/a.yaml", "model: alice/a\nversions: nope\n")
            try repository.commit("break a")
            let broken = try await Apply.run(["run", "--once"] + Self.flags(emulator, repository, cache))
            #expect(broken.status == 1)
            #expect(broken.stderr.contains("reconcile failed"))
        }
    }

    @Test func theLoopAppliesANewCommitListingOnlyItsModelsCorrectsDriftAndExitsZeroOnSIGTERM() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Apply.declaration("alice/a", [1, 2]),
            "models/b.yaml": Apply.declaration("alice/b", [3]),
        ])
        let cache = try TemporaryDirectory("run")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            // No drift reconcile while this one runs: it would list every model, in the window where only b's
            // listing is expected (under a full suite's load, 8 s had passed by then).
            let process = try Apply.launch(
                ["run", "--interval", "200ms", "--drift-interval", "1h"] + Self.flags(emulator, repository, cache)
            )
            // Models are applied concurrently: wait for both.
            #expect(try await Self.eventually {
                let b = await Apply.liveDigests(storage, "alice/b"), a = await Apply.liveDigests(storage, "alice/a")
                return b == [3].map(repeatedDigest) && a == [1, 2].map(repeatedDigest)
            })

            // A second reconciler on the same cache is refused while this one runs.
            let second = try await Apply.run(["run", "--once"] + Self.flags(emulator, repository, cache))
            #expect(second.status == 1)
            #expect(second.stderr.contains("another wriftsync reconciler is running on this cache"), "\(second.stderr)")

            // A commit touching only b: the next tick applies it, listing b alone.
            try await PlanCommandTests.resetStats(emulator)
            try repository.write("models/b.yaml", Apply.declaration("alice/b", [3, 4]))
            try repository.commit("add b v4")
            #expect(try await Self.eventually { await Apply.liveDigests(storage, "alice/b") == [3, 4].map(repeatedDigest) })
            let afterCommit = try await PlanCommandTests.stats(emulator)
            #expect(Self.listings(afterCommit) == 1, "only alice/b was listed: \(afterCommit.requests)")
            #expect(Apply.count(afterCommit, "POST") == 1)

            let stopped = try await Self.terminate(process)
            #expect(stopped.status == 0, "\(stopped.stderr)")
            #expect(stopped.stderr.contains("reconciler stopped"))

            // Drift made through the API is corrected by the next full reconcile: a reconciler with a short
            // drift interval, the drift made once its first reconcile has listed both models.
            try await PlanCommandTests.resetStats(emulator)
            let drifting = try Apply.launch(
                ["run", "--interval", "200ms", "--drift-interval", "1s"] + Self.flags(emulator, repository, cache)
            )
            #expect(try await Self.eventually { Self.listings(try await PlanCommandTests.stats(emulator)) >= 2 })
            _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 2)
            #expect(await Apply.liveDigests(storage, "alice/a") == [1].map(repeatedDigest))
            #expect(try await Self.eventually { await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest) })
            let stoppedToo = try await Self.terminate(drifting)
            #expect(stoppedToo.status == 0, "\(stoppedToo.stderr)")
        }
    }

    /// `curl` returning the status code and the body.
    static func curl(_ arguments: [String]) async throws -> (code: String, body: String) {
        let output = try await onOwnThread { try Shell.run(["curl", "-s", "-w", "\n%{http_code}"] + arguments) }
        let lines = output.components(separatedBy: "\n")
        return (lines.last ?? "", lines.dropLast().joined(separator: "\n"))
    }

    @Test func theEndpointsServeOnTheListenAddressAndASignedWebhookAppliesANewCommitAtOnce() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("run")
        let secrets = try TemporaryDirectory("run-secret")
        let secretFile = secrets.path + "/webhook"
        try "s3cret\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            // Hour-long intervals: after the first reconcile only the webhook can bring another.
            let process = try Apply.launch(
                ["run", "--interval", "1h", "--drift-interval", "1h", "--listen", "127.0.0.1:0", "--webhook-secret-file", secretFile]
                    + Self.flags(emulator, repository, cache)
            )
            let line = try await Launcher.firstLine(of: process)
            let base = try #require(line.components(separatedBy: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") })
                .replacingOccurrences(of: "listening on ", with: "")
            #expect(try await Self.curl([base + "/healthz"]).code == "200")
            #expect(try await Self.eventually { try await Self.curl([base + "/readyz"]).code == "200" })
            let head = try repository.head().hex
            let metrics = try await Self.curl([base + "/metrics"])
            #expect(metrics.body.contains(#"wriftsync_reconcile_total{result="success"} 1"#), "\(metrics.body)")
            #expect(metrics.body.contains(#"wriftsync_last_applied_revision_info{commit="\#(head)"} 1"#))
            #expect(metrics.body.contains(#"wriftsync_api_requests_total{"#))
            let status = try await Self.curl([base + "/status"])
            #expect(status.body.contains(#""last_applied_commit" : "\#(head)""#), "\(status.body)")

            try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2]))
            try repository.commit("add a v2")
            let body = #"{"ref":"refs/heads/main"}"#
            let forged = try await Self.curl(["-X", "POST", "-H", "X-Hub-Signature-256: sha256=" + String(repeating: "0", count: 64), "-d", body, base + "/hooks/git"])
            #expect(forged.code == "401")
            try await Task.sleep(for: .milliseconds(500))
            #expect(await Apply.liveDigests(storage, "alice/a") == [1].map(repeatedDigest), "a bad signature does nothing")
            let signature = WebhookSignature.sign(Array(body.utf8), secret: Array("s3cret".utf8))
            let signed = try await Self.curl(["-X", "POST", "-H", "X-Hub-Signature-256: " + signature, "-d", body, base + "/hooks/git"])
            #expect(signed.code == "202")
            #expect(try await Self.eventually { await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest) })

            let stopped = try await Self.terminate(process)
            #expect(stopped.status == 0, "\(stopped.stderr)")
        }
    }

    @Test func badDurationsAndAddressesAreRefusedBeforeAnyWork() async throws {
        for (flags, message) in [
            (["--interval", "5x"], "--interval takes a duration"),
            (["--drift-interval", "soon"], "--drift-interval takes a duration"),
            (["--jitter", "150%"], "--jitter takes a percentage"),
            (["--listen", "9090"], "--listen takes host:port"),
            // One request every 1e10 s: the pacer's wait overflowed an Int64 of nanoseconds and trapped.
            (["--rate-limit", "1e-10"], "--rate-limit must be at least 0.001"),
            (["--rate-limit", "inf"], "--rate-limit must be at least 0.001"),
            // Beyond a year (or a day for a smoke test) the nanoseconds or milliseconds overflowed and trapped.
            (["--interval", "1e300s"], "--interval takes a duration"),
            (["--smoke-timeout", "1e300"], "--smoke-timeout must be from 0.001 to 86400"),
            // Rounded to no time at all, every case "did not finish" and every version was rolled back.
            (["--smoke-timeout", "0.0001"], "--smoke-timeout must be from 0.001 to 86400"),
        ] {
            let result = try await Apply.run(["run", "--repo", "/nonexistent", "--once"] + flags)
            #expect(result.status == 64, "\(flags): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(flags): \(result.stderr)")
        }
    }
}
