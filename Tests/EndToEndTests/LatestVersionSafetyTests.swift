import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The out-of-band delete that used to move un-pinned traffic to an old model: `run` re-created the deleted
/// version as the newest, hence the latest. Now the create is held back (`on_out_of_order: hold`, the
/// default) and said so everywhere, or the later versions are re-created after it (`recreate`).
@Suite(.onOwnThreads) struct LatestVersionSafetyTests {
    typealias Apply = ApplyCommandTests

    /// The JSON log lines of `stderr` at `level`.
    static func logLines(_ stderr: String, level: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["level"] as? String == level ? object : nil
        }
    }

    @Test func runHoldsBackAnOutOfBandDeletedVersionAndSaysSoInItsLogStatusAndMetrics() async throws {
        let repository = try TestRepository(files: [
            "models/a.yaml": Apply.declaration("alice/a", [1, 2]),
            "models/b.yaml": Apply.declaration("alice/b", [3, 4], extra: "on_out_of_order: recreate\n"),
        ])
        let cache = try TemporaryDirectory("latest")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a", "alice/b"]), storage: storage) { emulator in
            let process = try Apply.launch(
                ["run", "--interval", "200ms", "--drift-interval", "1s", "--listen", "127.0.0.1:0"] + RunCommandTests.flags(emulator, repository, cache)
            )
            let base = try await RunCommandTests.listenAddress(process)
            #expect(try await RunCommandTests.eventually {
                let a = await Apply.liveDigests(storage, "alice/a"), b = await Apply.liveDigests(storage, "alice/b")
                return a == [1, 2].map(repeatedDigest) && b == [3, 4].map(repeatedDigest)
            })

            // Counted from before the deletes: while both models are in sync the controller only reads, and a
            // reset after them could miss a create the drift reconcile made in between.
            try await PlanCommandTests.resetStats(emulator)
            // Out of band: the first version of each model is deleted through the API.
            _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 1)
            _ = try await storage.deleteVersion(owner: "alice", name: "b", number: 1)

            // alice/b allows re-creating: v3 comes back, then v4 is made again after it, and the old v4 goes.
            #expect(try await RunCommandTests.eventually { await Apply.liveDigests(storage, "alice/b") == [3, 4].map(repeatedDigest) })
            let b = await Apply.live(storage, "alice/b")
            #expect(b.map(\.number) == [3, 4], "v3 re-created as #3, v4 as #4; the old #2 deleted")
            #expect(b.last?.containerImageDigest == repeatedDigest(4), "the last declared version is the latest again")

            // alice/a holds: the warning reaches /status and /metrics at the next full reconcile, and nothing is created.
            #expect(try await RunCommandTests.eventually {
                let status = try await RunCommandTests.curl([base + "/status"]).body
                return status.contains(#""kind" : "out_of_order_held""#)
            })
            let status = try JSONSerialization.jsonObject(with: Data(try await RunCommandTests.curl([base + "/status"]).body.utf8)) as? [String: Any]
            let models = try #require(status?["models"] as? [String: Any])
            let a = try #require(models["alice/a"] as? [String: Any])
            let warnings = try #require(a["warnings"] as? [[String: Any]])
            #expect(warnings.map { $0["kind"] as? String } == ["out_of_order_held"])
            #expect(a["drifted"] as? Bool == true)
            let metrics = try await RunCommandTests.curl([base + "/metrics"]).body
            #expect(metrics.contains(#"wriftsync_plan_warnings{model="alice/a",kind="out_of_order_held"} 1"#), "\(metrics)")

            let stopped = try await RunCommandTests.terminate(process)
            #expect(stopped.status == 0, "\(stopped.stderr)")
            let logged = Self.logLines(stopped.stderr, level: "warning")
            #expect(logged.contains { $0["model"] as? String == "alice/a" && $0["kind"] as? String == "out_of_order_held" }, "\(stopped.stderr)")

            let stats = try await PlanCommandTests.stats(emulator)
            let a1 = await Apply.live(storage, "alice/a")
            #expect(a1.map(\.containerImageDigest) == [repeatedDigest(2)], "v1 is not re-created")
            #expect(a1.last?.containerImageDigest == repeatedDigest(2), "the last declared version keeps the un-pinned traffic")
            #expect(Apply.count(stats, "POST") == 2, "only alice/b's two creates: \(stats.requests)")

            // `plan` and `run --once --dry-run` say the same about it.
            let plan = try await Apply.plan(emulator, repository, cache, ["--format", "json"])
            let planObject = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            let planned = try #require(planObject["warnings"] as? [[String: Any]]).compactMap { $0["message"] as? String }
            #expect(!planned.isEmpty)
            let dry = try await Apply.run(["run", "--once", "--dry-run"] + RunCommandTests.flags(emulator, repository, cache))
            #expect(dry.status == 0, "\(dry.stderr)")
            let reported = Self.logLines(dry.stderr, level: "warning").compactMap { $0["message"] as? String }
            #expect(Set(reported) == Set(planned), "run --once --dry-run: \(reported); plan: \(planned)")
            let text = try await Apply.plan(emulator, repository, cache)
            for message in planned { #expect(text.stdout.contains(message), "\(text.stdout)") }
        }
    }

    @Test func applyHoldsBackTheSameWayAndASavedPlanThatWouldMoveTheLatestIsRefused() async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2])])
        let cache = try TemporaryDirectory("latest")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            #expect(try await Apply.apply(emulator, repository, cache).status == 0)
            _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 1)
            let held = try await Apply.apply(emulator, repository, cache)
            #expect(held.status == 0, "\(held.stderr)")
            #expect(held.stdout.contains("Held back (on_out_of_order: hold)"), "\(held.stdout)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(2)])

            // A plan edited (or made by another tool) to create v1 anyway is refused before any write.
            let planFile = cache.path + "/plan.json"
            #expect(try await Apply.plan(emulator, repository, cache, ["--out", planFile]).status == 0)
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any])
            var models = try #require(object["models"] as? [[String: Any]])
            models[0]["latest_after_apply"] = ["container_image_digest": repeatedDigest(1)]
            object["models"] = models
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: planFile))
            try await PlanCommandTests.resetStats(emulator)
            let refused = try await Apply.run(["apply", "--plan", planFile, "--auto-approve"] + Apply.flags(emulator, nil, cache))
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("would make an earlier declared version the latest of alice/a"), "\(refused.stderr)")
            #expect(Apply.writes(try await PlanCommandTests.stats(emulator)) == 0)
        }
    }

    /// The rail reads what a plan says will be the latest, and what was; a saved re-creation whose later changes
    /// were cut (its summary mended to match) still says the last declared version, while what is left creates
    /// the earlier one above it. The facts are worked out again from the live versions and the changes, so
    /// mending them too does not get it through.
    @Test(arguments: [
        ("the changes cut", "{}", "the plan says new (020202020202) will be the latest, its changes leave new (010101010101)"),
        ("its latest after apply mended too, the one before said to be none",
         #"{"latest_after_apply": {"container_image_digest": "\#(repeatedDigest(1))"}, "latest_before_apply": null}"#,
         "the plan says no version was the latest, the live versions it was made against say #"),
        // With the listing's time moved back too, the check of the listings takes the live latest for one made since.
        ("its highest number said to be 0 and its listing older too",
         #"{"latest_after_apply": {"container_image_digest": "\#(repeatedDigest(1))"}, "latest_before_apply": null, "live_highest_number": 0, "listed_at": "2000-01-01T00:00:00Z"}"#,
         "the plan says #0 was the highest live number"),
    ])
    func aSavedRecreationWithItsLaterChangesCutIsRefused(_ name: String, _ factsJSON: String, _ message: String) async throws {
        let facts = try #require(try JSONSerialization.jsonObject(with: Data(factsJSON.utf8)) as? [String: Any])
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2], extra: "on_out_of_order: recreate\n")])
        let cache = try TemporaryDirectory("latest")
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Apply.emulator(["alice/a"]), storage: storage) { emulator in
            try await Apply.seed(storage, "alice/a", [2])
            let planFile = cache.path + "/plan.json"
            #expect(try await Apply.plan(emulator, repository, cache, ["--out", planFile]).status == 0)
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any])
            let changes = try #require(object["changes"] as? [[String: Any]])
            #expect(changes.map { $0["action"] as? String } == ["create", "create", "delete"], "v1, v2 again, the old v2: \(changes)")
            object["changes"] = Array(changes.prefix(1))
            var models = try #require(object["models"] as? [[String: Any]])
            models[0].merge(facts) { _, new in new }
            object["models"] = models
            var summary = try #require(object["summary"] as? [String: Any])
            (summary["create"], summary["delete"]) = (1, 0)
            object["summary"] = summary
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: planFile))

            try await PlanCommandTests.resetStats(emulator)
            let refused = try await Apply.run(["apply", "--plan", planFile, "--auto-approve"] + Apply.flags(emulator, nil, cache))
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("alice/a: " + message), "\(refused.stderr)")
            #expect(refused.stderr.contains("the plan was edited or damaged after it was made"), "\(refused.stderr)")
            #expect(Apply.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Apply.liveDigests(storage, "alice/a") == [repeatedDigest(2)])
        }
    }
}
