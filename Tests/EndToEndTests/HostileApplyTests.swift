import Foundation
import Testing
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// `apply` against a server that lies (the emulator's hostile switches): whatever it answers, no version is
/// deleted that the plan did not identify, nothing existing is mistaken for a duplicate, and a lost create is
/// not made twice while the listing lags behind.
@Suite(.onOwnThreads) struct HostileApplyTests {
    typealias Apply = ApplyCommandTests

    static func emulator(_ models: [String], hostile: EmulatorConfiguration.Hostile, faults: EmulatorConfiguration.Faults = .init()) throws -> EmulatorConfiguration {
        var configuration = try Apply.emulator(models, faults: faults)
        configuration.hostile = hostile
        return configuration
    }

    @Test func malformedDigestsInAListingPlanNothingAndWriteNothing() async throws {
        // Digests with hex letters in them, so that an uppercase one is spoiled too.
        let seeds = [0xabc1, 0xabc2, 0xabc3]
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", seeds)])
        let cache = try TemporaryDirectory("hostile-apply")
        for spoiling in EmulatorConfiguration.Hostile.DigestSpoiling.allCases {
            let storage = try InMemoryEmulatorStorage()
            try await withRunningEmulator(configuration: Self.emulator(["alice/a"], hostile: .init(listedDigest: spoiling)), storage: storage) { emulator in
                try await Apply.seed(storage, "alice/a", seeds)
                let result = try await Apply.apply(emulator, repository, cache)
                #expect(result.status == 1, "\(spoiling)")
                #expect(result.stderr.contains("container_image_digest"), "the field is named: \(result.stderr)")
                #expect(Apply.writes(try await PlanCommandTests.stats(emulator)) == 0, "\(spoiling): no write")
                #expect(await Apply.liveDigests(storage, "alice/a") == seeds.map(repeatedDigest))
            }
        }
    }

    @Test func anotherModelsItemsInTheListingDeleteNothing() async throws {
        // alice/a's listing answers with alice/b's items: to the plan, alice/a's versions look undeclared.
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2, 3])])
        let cache = try TemporaryDirectory("hostile-apply")
        let storage = try InMemoryEmulatorStorage()
        let hostile = EmulatorConfiguration.Hostile(listOtherModel: ["alice/a": "alice/b"])
        try await withRunningEmulator(configuration: Self.emulator(["alice/a", "alice/b"], hostile: hostile), storage: storage) { emulator in
            try await Apply.seed(storage, "alice/a", [1, 2, 3])
            try await Apply.seed(storage, "alice/b", [7, 8, 9])
            let result = try await Apply.apply(emulator, repository, cache, ["--auto-approve", "--max-deletes", "10"])
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stderr.contains("alice/a's listing showed #3 (090909090909) as the latest version, the model says #3 (030303030303)"),
                    "the listing is found not to be the model's before any write: \(result.stderr)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(Apply.writes(stats) == 0, "nothing is created or deleted from another model's listing: \(stats.requests)")
            #expect(await Apply.liveDigests(storage, "alice/a") == [1, 2, 3].map(repeatedDigest))
        }
    }

    @Test func aNewestVersionTheListingLeftOutIsFoundBeforeAnyWrite() async throws {
        // v3 is live as #3, but the plan's listing leaves #3 out once: the plan would create v3 again. The
        // model's own latest version says #3, made before the listing: nothing is written.
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2, 3])])
        let cache = try TemporaryDirectory("hostile-apply")
        let storage = try InMemoryEmulatorStorage()
        let hostile = EmulatorConfiguration.Hostile(omitNumber: 3, omitTimes: 1)
        try await withRunningEmulator(configuration: Self.emulator(["alice/a"], hostile: hostile), storage: storage) { emulator in
            try await Apply.seed(storage, "alice/a", [1, 2, 3])
            let result = try await Apply.apply(emulator, repository, cache)
            #expect(result.status == 1)
            #expect(result.stderr.contains("alice/a's listing showed #2"), "\(result.stderr)")
            #expect(Apply.writes(try await PlanCommandTests.stats(emulator)) == 0)
            #expect(await Apply.live(storage, "alice/a").map(\.number) == [1, 2, 3])
            // The lie told once, the next apply finds everything in place.
            let again = try await Apply.apply(emulator, repository, cache)
            #expect(again.status == 0 && again.stdout.contains("Nothing to apply."), "\(again.stdout)")
        }
    }

    @Test func aLostCreateWithAListingThatLagsIsNotMadeTwice() async throws {
        // Every create's answer is lost (the version is made), and listings show a version only 1.5 s after it
        // was made: the client looks for the digest over --create-settle before sending again.
        let repository = try TestRepository(files: ["models/a.yaml": Apply.declaration("alice/a", [1, 2])])
        let cache = try TemporaryDirectory("hostile-apply")
        let storage = try InMemoryEmulatorStorage()
        let configuration = try Self.emulator(["alice/a"], hostile: .init(listLagMilliseconds: 1_500, loseCreateAnswers: true))
        try await withRunningEmulator(configuration: configuration, storage: storage) { emulator in
            // The test flags' short settle window is replaced by one longer than the lag.
            let flags = Apply.flags(emulator, repository, cache).map { $0 == "0.3" ? "10" : $0 }
            let result = try await Apply.run(["apply", "--auto-approve"] + flags)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Apply complete: 2 created"), "\(result.stdout)")
            let stats = try await PlanCommandTests.stats(emulator)
            #expect(Apply.count(stats, "POST") == 2, "one POST per digest: \(stats.requests)")
            #expect(stats.count(method: "POST", route: "/v1/models/{owner}/{name}/versions", status: 502) == 2, "both answers were lost")
            #expect(await Apply.liveDigests(storage, "alice/a") == [1, 2].map(repeatedDigest))
        }
    }
}
