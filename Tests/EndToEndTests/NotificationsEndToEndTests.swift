import Crypto
import Foundation
import Testing
import WriftAIEmulator
import WriftSyncTesting
#if canImport(Glibc)
import Glibc
#endif

/// Events, sinks and the history end to end: the built `wriftsync` against the emulator, a git repository,
/// and receivers on loopback that record what they get.
@Suite(.onOwnThreads) struct NotificationsEndToEndTests {
    typealias Apply = ApplyCommandTests
    typealias Run = RunCommandTests

    /// The JSON object of a request's body.
    static func json(_ request: RecordingServer.Request) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
    }

    /// The version numbers of an event's or record's actions.
    static func numbers(_ object: [String: Any]) -> [Int] {
        ((object["actions"] as? [[String: Any]]) ?? []).compactMap { $0["number"] as? Int }
    }

    static func sample(_ metrics: String, _ series: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func aCommitCreatingAVersionReachesEverySinkAndABrokenOneDelaysNothing() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("notify-run"), secrets = try TemporaryDirectory("notify-secrets")
        let secretFile = secrets.path + "/notify-secret", tokenFile = secrets.path + "/github-token"
        try "n0tify-key\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        try "ghs_statusToken123\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let storage = try InMemoryEmulatorStorage()
        // A port nobody listens on any more: connections are refused.
        let dead = try await withRecordingServer { $0.url }
        try await withRecordingServer { hook in
            try await withRecordingServer { slack in
                try await withRecordingServer(respond: { _, _ in 201 }) { github in
                    try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
                        let process = try Apply.launch(
                            ["run", "--interval", "200ms", "--drift-interval", "1h", "--listen", "127.0.0.1:0",
                             "--notify", dead + "/hook", "--notify", hook.url + "/hook", "--notify-secret-file", secretFile,
                             "--notify-slack", slack.url + "/services/T0/B0/XYZ",
                             "--github-status", "--github-api-url", github.url, "--github-token-file", tokenFile, "--github-repository", "acme/models"]
                                + Run.flags(emulator, repository, cache)
                        )
                        let base = try await Run.listenAddress(process)
                        #expect(try await Run.eventually { await Apply.liveDigests(storage, "alice/a") == [1].map(repeatedDigest) })

                        try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2]))
                        let commit = try repository.commit("alice/a: add v2").hex
                        #expect(try await Run.eventually { await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest) })
                        #expect(try await Run.eventually {
                            hook.requests.contains { Self.json($0)["type"] as? String == "applied" && (Self.json($0)["commit"] as? [String: Any])?["id"] as? String == commit }
                        })
                        // The broken sink is retrying its first event still; the others have the second already.
                        // (The receiver records a request before the sender counts its answer: poll.)
                        #expect(try await Run.eventually {
                            let metrics = try await Run.curl([base + "/metrics"]).body
                            return (Self.sample(metrics, #"wriftsync_notifications_total{sink="webhook",outcome="retried"}"#) ?? 0) >= 1
                                && (Self.sample(metrics, #"wriftsync_notifications_total{sink="webhook",outcome="delivered"}"#) ?? 0) >= 2
                        })

                        let applied = try #require(hook.requests.first {
                            (Self.json($0)["commit"] as? [String: Any])?["id"] as? String == commit && Self.json($0)["type"] as? String == "applied"
                        })
                        let event = Self.json(applied)
                        #expect(event["format_version"] as? Int == 1 && event["repository"] as? String == repository.path)
                        #expect(Self.numbers(event) == [2], "\(applied.text)")
                        let author = (event["commit"] as? [String: Any])?["author"] as? [String: Any]
                        #expect(author?["name"] as? String == "Test" && (event["commit"] as? [String: Any])?["subject"] as? String == "alice/a: add v2")
                        let key = SymmetricKey(data: Array("n0tify-key".utf8))
                        let signature = try #require(applied.headers["x-wriftsync-signature-256"])
                        let code = HMAC<SHA256>.authenticationCode(for: applied.body, using: key)
                        #expect(signature == "sha256=" + code.map { String(format: "%02x", $0) }.joined(), "a valid signature of the body")

                        #expect(try await Run.eventually { slack.requests.contains { $0.text.contains("alice/a #2 create") } })
                        let text = try #require(slack.requests.compactMap { Self.json($0)["text"] as? String }.first { $0.contains("alice/a #2") })
                        #expect(text.hasPrefix(":white_check_mark: *applied*:") && text.contains("commit \(commit.prefix(12)) by Test"), "\(text)")

                        #expect(try await Run.eventually { github.requests.contains { $0.path == "/repos/acme/models/statuses/\(commit)" } })
                        let status = try #require(github.requests.first { $0.path == "/repos/acme/models/statuses/\(commit)" })
                        #expect(status.method == "POST" && status.headers["authorization"] == "Bearer ghs_statusToken123")
                        let body = Self.json(status)
                        #expect(body["state"] as? String == "success" && body["context"] as? String == "wriftsync/models")
                        #expect(!status.text.contains("ghs_statusToken123"))

                        // /status: per-model conditions; /history: both applies, with their numbers.
                        let modelStatus = try await Run.curl([base + "/status"]).body
                        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(modelStatus.utf8)) as? [String: Any])
                        let conditions = try #require(((parsed["models"] as? [String: Any])?["alice/a"] as? [String: Any])?["conditions"] as? [[String: Any]])
                        #expect(conditions.map { $0["type"] as? String } == ["in_sync", "drifted", "failing", "warning"], "\(modelStatus)")
                        #expect(conditions.first?["status"] as? Bool == true && conditions.first?["since"] is String)
                        let history = try await Run.curl([base + "/history?model=alice/a&limit=10"])
                        #expect(history.code == "200")
                        let records = try #require((try JSONSerialization.jsonObject(with: Data(history.body.utf8)) as? [String: Any])?["records"] as? [[String: Any]])
                        #expect(records.map(Self.numbers) == [[1], [2]], "\(history.body)")
                        #expect(try await Run.curl([base + "/history?limit=100000"]).code == "400", "bounded")

                        let stopped = try await Run.terminate(process)
                        #expect(stopped.status == 0, "\(stopped.stderr)")
                        #expect(!stopped.stderr.contains("n0tify-key") && !stopped.stderr.contains("ghs_statusToken123") && !stopped.stderr.contains("XYZ"))
                    }
                }
            }
        }
    }

    /// `run --once` from a CronJob: one process per reconcile, each remembering what the one before it sent
    /// (`notifications.json` under the state directory). Each forgot: a standing failure went out on every run.
    @Test func runOnceAfterRunOnceSendsAStandingFailureOnceThenRecovered() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": "model: alice/a\nversions: nope\n"])
        let cache = try TemporaryDirectory("notify-once")
        let storage = try InMemoryEmulatorStorage()
        try await withRecordingServer { hook in
            try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
                let once = ["run", "--once", "--notify", hook.url + "/hook"] + Run.flags(emulator, repository, cache)
                func types() -> [String] { hook.requests.compactMap { Self.json($0)["type"] as? String } }
                for _ in 1...3 {
                    #expect(try await Apply.run(once).status == 1)
                }
                #expect(types() == ["failed"], "one failure however many runs find it")
                try repository.write("models/a.yaml", Apply.declaration("alice/a", [1]))
                try repository.commit("alice/a: fixed")
                let fixed = try await Apply.run(once)
                #expect(fixed.status == 0, "\(fixed.stderr)")
                #expect(types() == ["failed", "recovered", "applied"], "\(types())")
                #expect(FileManager.default.fileExists(atPath: cache.path + "/notifications.json"))
            }
        }
    }

    @Test func historyListsTwoAppliesAndAFailureInOrderWithTheirVersionNumbers() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1])])
        let cache = try TemporaryDirectory("history-cli")
        let storage = try InMemoryEmulatorStorage()
        let broken = try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            try repository.write("models/a.yaml", Apply.declaration("alice/a", [1, 2]))
            try repository.commit("alice/a: add v2")
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            #expect(try await Apply.apply(emulator, repository, cache).status == 0, "nothing to do: not recorded")
            try repository.write("models/a.yaml", "model: alice/a\nversions: nope\n")
            let broken = try repository.commit("break alice/a").hex
            #expect(try await Apply.apply(emulator, repository, cache).status == 1)
            return broken
        }
        let json = try await Apply.run(["history", "--model", "alice/a", "--format", "json", "--cache-dir", cache.path])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let records = try #require(document["records"] as? [[String: Any]])
        #expect(records.map { $0["result"] as? String } == ["applied", "applied", "failed"], "\(json.stdout)")
        #expect(records.map(Self.numbers) == [[1], [2], []])
        #expect(records.allSatisfy { $0["trigger"] as? String == "cli" })
        #expect(records.map { ($0["commit"] as? [String: Any])?["subject"] as? String } == ["initial", "alice/a: add v2", "break alice/a"])
        let failure = try #require(records.last?["failure"] as? [String: Any])
        #expect(failure["stage"] as? String == "load" && failure["class"] as? String == "stalled")
        #expect((records.last?["commit"] as? [String: Any])?["id"] as? String == broken)

        let text = try await Apply.run(["history", "--model", "alice/a", "--cache-dir", cache.path, "--limit", "2"])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("applied") && $0.contains("\"alice/a: add v2\" by Test <test@example.invalid>") && $0.contains("[cli") }, "\(text.stdout)")
        #expect(lines.contains { $0.contains("+ alice/a #2 created sha256:") })
        #expect(!text.stdout.contains("#1 created"), "--limit 2 keeps the newest two")
        let other = try await Apply.run(["history", "--model", "bob/b", "--format", "json", "--cache-dir", cache.path])
        let otherRecords = (try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Any])?["records"] as? [[String: Any]]
        #expect(otherRecords?.count == 1, "only the failure of the whole reconcile concerns another model")
    }

    @Test func afterSIGKILLOfRunDuringAStreamOfAppendsTheHistoryReadsWithoutError() async throws {
        let cache = try TemporaryDirectory("history-kill")
        let path = cache.path + "/history.jsonl"
        // A repository that is not there: every reconcile fails at once and is recorded. Its logs go nowhere,
        // so that no pipe fills up and stops it.
        let process = try Launcher.launch(
            SourceCommandTests.executable,
            [
                "run", "--repo", cache.path + "/no-such-repository", "--interval", "20ms", "--cache-dir", cache.path,
                "--api-url", "http://127.0.0.1:9/v1", "--log-format", "json",
            ],
            environment: ["WRIFTAI_ACCESS_TOKEN": Apply.token], standardInput: false, discardingOutput: true
        )
        let lines = { (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        let streamed = try await Run.eventually { lines() >= 40 }
        kill(process.processIdentifier, SIGKILL)
        try await onOwnThread { process.waitUntilExit() }
        #expect(streamed, "\(lines()) records appended")
        #expect(process.terminationReason == .uncaughtSignal)
        let read = try await Apply.run(["history", "--format", "json", "--cache-dir", cache.path])
        #expect(read.status == 0, "\(read.stderr)")
        let records = try #require((try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any])?["records"] as? [[String: Any]])
        #expect(records.count >= 40)
        #expect(records.allSatisfy { $0["result"] as? String == "failed" && ($0["failure"] as? [String: Any])?["stage"] as? String == "fetch" })
        // Every line but a torn last one is a whole record.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let whole = text.split(separator: "\n").dropLast(text.hasSuffix("\n") ? 0 : 1)
        #expect(whole.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }
}
