import Synchronization
import Applier
import Declarations
import Foundation
import Planner
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// The applier against the emulator over real HTTP: plans made by the real read → plan path.
@Suite struct ApplierTests {
    @Test func createsConfiguresAndDeletesInOrderAndThenThereIsNothingLeftToDo() async throws {
        let storage = try InMemoryEmulatorStorage()
        let gpu = VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"])
        let declarations = [
            Fixture.model("alice/a", [Fixture.version(1), Fixture.version(3, configuration: gpu), Fixture.version(4), Fixture.version(5)]),
            Fixture.model("alice/b", [Fixture.version(7)]),
        ]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a", "alice/b"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2, 3])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.summary == PlanSummary(create: 3, updateConfiguration: 1, delete: 1, unchanged: 1, warnings: 0))

                let log = ResultLog()
                let result = await Applier(client: client).apply(plan) { log.append($0) }
                #expect(result.succeeded)
                #expect(result.summary == ApplySummary(result.actions))
                #expect((result.summary.created, result.summary.configured, result.summary.deleted, result.summary.failed) == (3, 1, 1, 0))
                #expect(log.all.count == 5, "every change is reported as it completes")
                let order = log.all.filter { $0.model == "alice/a" }.map(\.action)
                #expect(order == [.create, .create, .updateConfiguration, .delete], "creates, then the update, then the delete")

                let a = await Fixture.live(storage, "alice/a")
                #expect(a.map(\.containerImageDigest) == [1, 3, 4, 5].map(digest))
                #expect(a.last?.containerImageDigest == digest(5), "the last declared version is the latest")
                #expect(a.first { $0.number == 3 }?.configuration == gpu)
                let created = result.actions.filter { $0.action == .create && $0.model == "alice/a" }
                #expect(created.map(\.number) == [4, 5], "create results carry the numbers the API assigned")
                #expect(await Fixture.live(storage, "alice/b").map(\.containerImageDigest) == [digest(7)])

                let again = try await Fixture.plan(declarations, client: client)
                #expect(!again.summary.hasChanges, "applied: the next plan has nothing to do")
                let nothing = await Applier(client: client).apply(again)
                #expect(nothing.actions.isEmpty && nothing.succeeded)
            }
        }
    }

    @Test func aFailedCreateSkipsTheRestOfItsModelButNotOtherModels() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [
            Fixture.model("alice/a", [Fixture.version(10), Fixture.version(11)]),
            Fixture.model("alice/b", [Fixture.version(20)]),
        ]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a", "alice/b"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.seed(storage, "alice/b", [2])
            try await Fixture.withClient(emulator) { client in
                var plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map(\.action) == [.create, .create, .delete, .create, .delete])
                // The API refuses release notes over 255 characters (a plan edited by hand, say).
                if case var .create(creation) = plan.changes[0] {
                    creation.request.releaseNotes = String(repeating: "x", count: 300)
                    plan.changes[0] = .create(creation)
                }

                let result = await Applier(client: client).apply(plan)
                #expect(!result.succeeded)
                #expect(result.actions.map(\.outcome) == [.failed, .skipped, .skipped, .created, .deleted])
                #expect(result.failures.count == 1)
                #expect(result.failures.first?.error?.isEmpty == false)
                #expect(result.actions[2].error?.contains("alice/a") == true, "a skip names the failure behind it")
                #expect(result.summary.line == "Apply complete: 1 created, 0 configured, 1 deleted, 1 failed.")
                #expect(await Fixture.live(storage, "alice/a").map(\.containerImageDigest) == [digest(1)],
                        "no create after the failed one, and no delete")
                #expect(await Fixture.live(storage, "alice/b").map(\.containerImageDigest) == [digest(20)])
            }
        }
    }

    @Test func aDeleteThatFindsTheVersionGoneCountsAsDone() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2, 3])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map(\.number) == [2, 3])
                _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 2)

                let result = await Applier(client: client).apply(plan)
                #expect(result.succeeded)
                #expect(result.actions.map(\.outcome) == [.alreadyDeleted, .deleted])
                #expect(result.summary.deleted == 2)
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1])
            }
        }
    }

    @Test func aReplacementCreatesTheNewVersionBeforeDeletingTheDriftedOne() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1, notes: "fixed notes")], onImmutableChange: .replace)]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1], notes: "old notes")
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map(\.action) == [.create, .delete])

                let log = ResultLog()
                let result = await Applier(client: client).apply(plan) { log.append($0) }
                #expect(result.succeeded)
                #expect(log.all.map(\.outcome) == [.created, .deleted])
                let live = await Fixture.live(storage, "alice/a")
                #expect(live.map(\.number) == [2])
                #expect(live.map(\.releaseNotes) == ["fixed notes"])
            }
        }
    }

    @Test func freshnessFlagsOnlyModelsWhoseVersionsChanged() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [
            Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2)]),
            Fixture.model("alice/b", [Fixture.version(5, configuration: VersionConfiguration(hardwareIdentifier: "gpu", variableNames: []))]),
            Fixture.model("alice/c", [Fixture.version(9)]),
        ]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a", "alice/b", "alice/c"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.seed(storage, "alice/b", [5])
            try await Fixture.seed(storage, "alice/c", [9])
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(Set(plan.changes.map(\.model)) == ["alice/a", "alice/b"])
                let freshness = PlanFreshness(client: client.readOnly, cache: nil)
                #expect(try await freshness.staleModels(plan).isEmpty)

                // A configuration change is not staleness (re-applying one is harmless)…
                _ = try await storage.updateConfiguration(owner: "alice", name: "b", number: 1, update: ConfigurationUpdate(hardwareIdentifier: "tpu"))
                // …nor is any change to a model the plan does not change.
                _ = try await storage.deleteVersion(owner: "alice", name: "c", number: 1)
                #expect(try await freshness.staleModels(plan).isEmpty)

                try await Fixture.seed(storage, "alice/a", [2])
                let stale = try await freshness.staleModels(plan)
                #expect(stale.map(\.model) == ["alice/a"], "the version someone else created makes the plan stale")
                #expect(stale.first?.planned == plan.models.first { $0.model == "alice/a" }?.liveFingerprint)
            }
        }
    }

    @Test func underFaultsRepeatedApplyConvergesWithoutDuplicates() async throws {
        let storage = try InMemoryEmulatorStorage()
        let models = ["alice/a", "alice/b", "alice/c"]
        let declarations = models.enumerated().map { index, model in
            Fixture.model(ModelID(stringLiteral: model), (0..<6).map { Fixture.version(100 * (index + 1) + $0) })
        }
        let faults = EmulatorConfiguration.Faults(failRate: 0.2, loseResponseRate: 0.3, seed: 42)
        try await withRunningEmulator(configuration: Fixture.emulator(models: models, faults: faults), storage: storage, logger: Fixture.quiet) { emulator in
            for (index, model) in models.enumerated() {
                try await Fixture.seed(storage, model, [100 * (index + 1), 900 + index, 950 + index])
            }
            // Nearly half of all requests fail here; a client configured to persist longer than the
            // default keeps the number of rounds small (the CLI test covers the default policy).
            try await Fixture.withClient(emulator, maxRetries: 8) { client in
                var rounds = 0
                var converged = false
                while !converged && rounds < 5 {
                    rounds += 1
                    // A listing can fail all its retries too: that round then plans (and applies) nothing.
                    guard let plan = try? await Fixture.plan(declarations, client: client) else { continue }
                    if !plan.summary.hasChanges { converged = true; break }
                    _ = await Applier(client: client).apply(plan)
                }
                #expect(converged, "converged within 5 rounds (took \(rounds))")
                for (index, model) in models.enumerated() {
                    let live = await Fixture.live(storage, model)
                    let digests = live.map(\.containerImageDigest)
                    #expect(Set(digests).count == digests.count, "no duplicate digest in \(model)")
                    #expect(digests == (0..<6).map { digest(100 * (index + 1) + $0) }, "declared order, nothing else")
                }
            }
        }
    }
}

@Suite struct ApplierStopTests {
    /// What a controller's shutdown relies on: once asked to stop, no further change starts.
    @Test func onceToldToStopNoFurtherChangeStarts() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2), Fixture.version(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.withClient(emulator) { client in
                let plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.summary.create == 3)
                let started = Counter()
                let result = await Applier(client: client, shouldContinue: { started.next() < 1 }).apply(plan)
                #expect(result.actions.map(\.outcome) == [.created, .skipped, .skipped])
                #expect(result.actions.last?.error == "not started: stopping")
                #expect(await Fixture.live(storage, "alice/a").map(\.containerImageDigest) == [digest(1)])
            }
        }
    }
}

/// A thread-safe count of how often `next()` was called (returns the count before the call).
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock { count in
            defer { count += 1 }
            return count
        }
    }
}

/// A delete goes out only once the API confirms the number still holds the digest the plan saw.
@Suite struct DeleteConfirmationTests {
    @Test func aDeleteWhoseVersionIsNotThePlannedOneIsRefusedAndAGoneOneIsNotSent() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2, 3])
            try await Fixture.withClient(emulator) { client in
                var plan = try await Fixture.plan(declarations, client: client)
                #expect(plan.changes.map { "\($0.action.rawValue) #\($0.number ?? 0)" } == ["delete #2", "delete #3"])
                // As if the listing had been another model's: #2 planned with a digest it does not have.
                if case var .delete(deletion) = plan.changes[0] {
                    deletion.digest = digest(99)
                    plan.changes[0] = .delete(deletion)
                }
                // And #3 deleted by someone else since.
                _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 3)
                let counter = DeleteCountingClient(inner: client)
                let result = await Applier(client: counter).apply(plan)
                let refused = try #require(result.actions.first { $0.number == 2 })
                #expect(refused.outcome == .failed)
                #expect(refused.error?.contains("not deleted: the API says #2 has \(digest(2)), not \(digest(99))") == true, "\(refused.error ?? "")")
                let gone = try #require(result.actions.first { $0.number == 3 })
                #expect(gone.outcome == .skipped, "the model stopped at the refusal")
                #expect(counter.deletes == 0, "no DELETE was sent")
                #expect(await Fixture.live(storage, "alice/a").map(\.number) == [1, 2])

                // Without the refusal in front of it, a version already gone is done without a DELETE.
                plan.changes.removeFirst()
                let second = await Applier(client: counter).apply(plan)
                #expect(second.actions.map(\.outcome) == [.alreadyDeleted])
                #expect(counter.deletes == 0)
            }
        }
    }
}

/// Counts the DELETE requests the applier sends.
final class DeleteCountingClient: ForwardingClient {
    let inner: WriftAIClient
    private let count = Mutex(0)

    init(inner: WriftAIClient) { self.inner = inner }

    var deletes: Int { count.withLock { $0 } }

    func deleteVersion(_ model: ModelID, number: Int) async throws(WriftAIError) -> DeleteOutcome {
        count.withLock { $0 += 1 }
        return try await inner.deleteVersion(model, number: number)
    }
}

/// The duplicate check after a model's creates removes only copies made after the plan's listing.
@Suite struct DuplicateCheckListingTimeTests {
    @Test func aCopyMadeBeforeThePlansListingIsNeverRemovedEvenIfTheListingLeftItOut() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declarations = [Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2), Fixture.version(3)])]
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2, 3])
            try await Fixture.withClient(emulator) { client in
                // A plan made as if the listing had left #3 out: v3 to create, the highest listed #2.
                _ = try await storage.deleteVersion(owner: "alice", name: "a", number: 3)
                var plan = try await Fixture.plan(declarations, client: client)
                try await Fixture.seed(storage, "alice/a", [3])  // back, as #4, made "long ago" by the seed
                plan.models[0].liveHighestNumber = 2
                let result = await Applier(client: client).apply(plan)
                let live = await Fixture.live(storage, "alice/a")
                #expect(live.map(\.number) == [1, 2, 4, 5], "v3's existing copy (#4, older than the listing) stays: \(result.actions)")
                #expect(!result.actions.contains { $0.duplicateOf != nil })
            }
        }
    }
}
