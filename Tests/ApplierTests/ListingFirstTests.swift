import Foundation
import LiveState
import Pipeline
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// A model's listing leaves before its declared images' expectations are made: the listing needs only the
/// model's name, and making the expectations (a fingerprint of each version's schemas) held every model's
/// first request back by milliseconds.
@Suite("Listing first")
struct ListingFirstTests {
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    /// The client's reads, noting when a listing has been asked for.
    struct NotingReader: WriftAIReading {
        let client: ReadOnlyWriftAIClient
        let listed = Flag()

        func model(_ model: ModelID) async throws(WriftAIError) -> Model { try await client.model(model) }
        func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError) -> Page<ModelVersion> {
            try await client.listVersions(model, cursor: cursor, pageSize: pageSize)
        }
        func allVersions(_ model: ModelID) -> VersionListing {
            listed.set()
            return client.allVersions(model)
        }
        func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
            try await client.version(model, number: number)
        }
        func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
            try await client.configuration(model, number: number)
        }
    }

    @Test func theListingIsAskedForBeforeTheExpectationsAreMade() async throws {
        let storage = try InMemoryEmulatorStorage()
        let declaration = Fixture.model("alice/a", [Fixture.version(1), Fixture.version(2)])
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1, 2])
            try await Fixture.withClient(emulator) { client in
                let reader = NotingReader(client: client.readOnly)
                let seenWhileMaking = Flag()
                let live = try await LiveStateReader(client: reader, cache: nil).readModel("alice/a") {
                    // Made while the listing is out: wait (a little) for it to have been asked for.
                    let deadline = Date().addingTimeInterval(5)
                    while !reader.listed.isSet, Date() < deadline { usleep(1_000) }
                    if reader.listed.isSet { seenWhileMaking.set() }
                    return LiveStateQuery(declarations: [declaration]).models.first?.details ?? [:]
                }
                #expect(seenWhileMaking.isSet, "the expectations were made before the listing was asked for")
                let expected: Set<Digest> = [digest(1), digest(2)]
                #expect(Set(live.versions.map(\.containerImageDigest)) == expected)
                // The expectations were applied: the declared schemas are those served, so none is kept.
                #expect(live.versions.count == 2 && live.versions.allSatisfy { $0.schemas == nil && $0.compatibilities == nil })
            }
        }
    }
}
