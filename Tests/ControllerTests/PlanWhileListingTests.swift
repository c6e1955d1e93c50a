import Foundation
import Pipeline
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// What a plan does besides its requests happens while they are out: a front end is told once the declarations
/// are loaded (an apply prepares its record there, rather than beside the first parse), and the models the
/// previous commit declared are looked for before the last answer comes, not after it.
@Suite struct PlanWhileListingTests {
    /// The client's reads; each model's latest-version read waits (without blocking a thread) for `open()`, for
    /// at most 5 s, and notes when it waited in vain.
    final class GatedReader: WriftAIReading {
        let client: ReadOnlyWriftAIClient
        private let opened = Atomic<Bool>(false)
        private let waitedInVain = Atomic<Int>(0)

        init(client: ReadOnlyWriftAIClient) { self.client = client }

        func open() { opened.store(true, ordering: .sequentiallyConsistent) }
        var inVain: Int { waitedInVain.load(ordering: .sequentiallyConsistent) }

        func model(_ model: ModelID) async throws(WriftAIError) -> Model {
            let deadline = ContinuousClock.now + .seconds(5)
            while !opened.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(1))
            }
            if !opened.load(ordering: .sequentiallyConsistent) { waitedInVain.add(1, ordering: .sequentiallyConsistent) }
            return try await client.model(model)
        }
        func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError) -> Page<ModelVersion> {
            try await client.listVersions(model, cursor: cursor, pageSize: pageSize)
        }
        func allVersions(_ model: ModelID) -> VersionListing { client.allVersions(model) }
        func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
            try await client.version(model, number: number)
        }
        func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
            try await client.configuration(model, number: number)
        }
    }

    @Test func theFrontEndIsToldOnceEveryFileIsParsedWhileTheRequestsAreOut() async throws {
        let repository = try await GitRepositoryOnDisk.make(files: [
            "models/a.yaml": ReconcilerTests.declaration("alice/a", [1]),
            "models/b.yaml": ReconcilerTests.declaration("alice/b", [2]),
            "models/c.yaml": ReconcilerTests.declaration("alice/c", [3]),
        ])
        // The next commit stops declaring alice/c: the plan names it as no longer managed.
        let inner = repository.repository
        try await onOwnThread {
            try inner.remove("models/c.yaml")
            try inner.commit("stop declaring alice/c")
        }
        let models = ["alice/a", "alice/b", "alice/c"]
        try await withRunningEmulator(configuration: ReconcilerTests.emulator(models), storage: InMemoryEmulatorStorage(), logger: testLogger) { emulator in
            let pipeline = try ReconcilerTests.pipeline(repository, emulator)
            let configuration = WriftAIClient.Configuration(
                server: .init(baseURL: emulator.baseURL), token: AccessToken(ReconcilerTests.token), pacing: .init(requestsPerSecond: nil)
            )
            try await WriftAIClient.withClient(configuration: configuration, logger: testLogger) { client in
                let reader = GatedReader(client: client.readOnly)
                let told = Atomic<Int>(0)
                let parsedWhenTold = Atomic<Int>(-1)
                let planned = try await pipeline.makePlan(try await pipeline.fetch(), reader: reader, checkingLatest: true, onLoaded: {
                    parsedWhenTold.store(pipeline.parsedFiles, ordering: .sequentiallyConsistent)
                    told.add(1, ordering: .sequentiallyConsistent)
                    reader.open()
                })
                #expect(told.load(ordering: .sequentiallyConsistent) == 1)
                #expect(parsedWhenTold.load(ordering: .sequentiallyConsistent) == 2, "told before every file was parsed")
                // Told only after the last answer, the plan's latest-version reads would each have waited 5 s in vain.
                #expect(reader.inVain == 0, "told only after the requests were answered")
                #expect(Set(planned.latest.keys) == ["alice/a", "alice/b"])
                #expect(planned.plan.unmanaged?.map(\.model) == ["alice/c"])
            }
        }
    }
}
