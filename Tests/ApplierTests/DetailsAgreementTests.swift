import Foundation
@testable import LiveState
import Planner
import Synchronization
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting

/// A version's details, from the cache or the API, must agree with its listing before the planner sees them:
/// details that differ in schemas make `on_immutable_change: replace` delete a live version and create it
/// again, so a corrupted cache entry or a lying answer must never pass for drift.
@Suite("Details agree with the listing")
struct DetailsAgreementTests {
    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func add(_ count: Int, ordering: AtomicUpdateOrdering) { value.add(count, ordering: .sequentiallyConsistent) }
        func load(ordering: AtomicLoadOrdering) -> Int { value.load(ordering: .sequentiallyConsistent) }
    }

    /// The client's reads, counting detail reads and rewriting each answer with `lie`.
    struct LyingReader: WriftAIReading {
        let client: ReadOnlyWriftAIClient
        let lie: @Sendable (ModelVersionDetails) -> ModelVersionDetails
        let detailReads = Counter()

        func model(_ model: ModelID) async throws(WriftAIError) -> Model { try await client.model(model) }
        func listVersions(_ model: ModelID, cursor: String?, pageSize: Int?) async throws(WriftAIError) -> Page<ModelVersion> {
            try await client.listVersions(model, cursor: cursor, pageSize: pageSize)
        }
        func allVersions(_ model: ModelID) -> VersionListing { client.allVersions(model) }
        func version(_ model: ModelID, number: Int) async throws(WriftAIError) -> ModelVersionDetails {
            detailReads.add(1, ordering: .sequentiallyConsistent)
            return lie(try await client.version(model, number: number))
        }
        func configuration(_ model: ModelID, number: Int) async throws(WriftAIError) -> VersionConfiguration {
            try await client.configuration(model, number: number)
        }
    }

    static let declarations = [Fixture.model("alice/a", [Fixture.version(1)], onImmutableChange: .replace)]

    /// Runs `body` with an emulator holding version 1 of `alice/a` (seed 1) and a client for it.
    static func withOneVersion(_ body: @escaping @Sendable (RunningEmulator, WriftAIClient) async throws -> Void) async throws {
        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: Fixture.emulator(models: ["alice/a"]), storage: storage, logger: Fixture.quiet) { emulator in
            try await Fixture.seed(storage, "alice/a", [1])
            try await Fixture.withClient(emulator) { client in try await body(emulator, client) }
        }
    }

    static let otherSchemas = Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "integer"]))
    static let revision = Revision(repository: "/tmp/repo", ref: "refs/heads/main", commit: String(repeating: "a", count: 40))

    @Test func aCacheEntryThatDisagreesWithTheListingIsAMissNotDrift() async throws {
        let cacheDirectory = try TemporaryDirectory("details-agree")
        try await Self.withOneVersion { emulator, client in
            let cache = VersionDetailsCache(cacheDirectory: cacheDirectory.path, baseURL: emulator.baseURL)
            let reader = LyingReader(client: client.readOnly) { $0 }
            let first = try await LiveStateReader(client: reader, cache: cache).read(LiveStateQuery(declarations: Self.declarations))
            #expect(Planner.plan(declarations: Self.declarations, live: first, revision: Self.revision).summary.hasChanges == false)
            #expect(reader.detailReads.load(ordering: .sequentiallyConsistent) == 1)

            // The entry is rewritten with another image and other schemas, and the record of verified
            // versions is gone: as a corrupted disk, or another program, could leave them.
            let live = try #require(first[ModelID("alice/a")]?.versions.first)
            let path = cache.path(model: "alice/a", number: 1, createdAt: live.createdAt)
            var tampered = try #require(cache.details(model: "alice/a", number: 1, createdAt: live.createdAt))
            tampered.containerImageDigest = digest(99).description
            tampered.schemas = Self.otherSchemas
            try JSONEncoder().encode(tampered).write(to: URL(fileURLWithPath: path))
            try FileManager.default.removeItem(atPath: cache.verifiedPath(model: "alice/a"))
            #expect(cache.details(model: "alice/a", number: 1, createdAt: live.createdAt) == tampered, "the cache itself takes the entry")

            let second = try await LiveStateReader(client: reader, cache: cache).read(LiveStateQuery(declarations: Self.declarations))
            let plan = Planner.plan(declarations: Self.declarations, live: second, revision: Self.revision)
            #expect(plan.changes.isEmpty, "\(plan.changes)")
            #expect(reader.detailReads.load(ordering: .sequentiallyConsistent) == 2, "the API was asked again")
            #expect(cache.details(model: "alice/a", number: 1, createdAt: live.createdAt)?.containerImageDigest == digest(1).description,
                    "the entry was replaced by the API's")
        }
    }

    @Test(arguments: ["container_image_digest", "created_at"])
    func detailsFromTheAPIThatDisagreeWithItsListingFailTheRead(_ field: String) async throws {
        try await Self.withOneVersion { emulator, client in
            let reader = LyingReader(client: client.readOnly) { details in
                var lie = details
                lie.schemas = Self.otherSchemas
                if field == "created_at" { lie.createdAt = "2001-01-01T00:00:00Z" } else { lie.containerImageDigest = digest(99).description }
                return lie
            }
            do {
                let live = try await LiveStateReader(client: reader, cache: nil).read(LiveStateQuery(declarations: Self.declarations))
                Issue.record("read \(live) from lying details")
            } catch let error as LiveStateError {
                guard case let .detailsDisagree(model, number, named, _, _) = error else {
                    Issue.record("expected detailsDisagree, got \(error)")
                    return
                }
                #expect(model == "alice/a" && number == 1 && named == field)
                #expect(error.description.contains("nothing was planned"))
            }
        }
    }

    /// The server's `created_at` went into the error unredacted, 40 characters of it: a server echoing the token
    /// there had it shown in the error, then in logs and notifications. Only a time's characters are shown now.
    @Test func aCreatedAtThatIsNotATimeIsNotShownInTheDisagreement() async throws {
        try await Self.withOneVersion { emulator, client in
            let reader = LyingReader(client: client.readOnly) { details in
                var lie = details
                lie.createdAt = "Bearer " + Fixture.token
                return lie
            }
            do {
                let live = try await LiveStateReader(client: reader, cache: nil).read(LiveStateQuery(declarations: Self.declarations))
                Issue.record("read \(live) from lying details")
            } catch let error as LiveStateError {
                guard case .detailsDisagree = error else {
                    Issue.record("expected detailsDisagree, got \(error)")
                    return
                }
                #expect(!error.description.contains(Fixture.token), "\(error)")
                #expect(error.description.contains("created_at (\(7 + Fixture.token.unicodeScalars.count) characters, not a time), listed '"), "\(error)")
            }
        }
    }

    @Test("a created_at is shown only when written with a time's characters", arguments: [
        ("2026-11-30T13:39:32.123456Z", "'2026-11-30T13:39:32.123456Z'"),
        ("2026-11-30 13:39:32.123456+00:00", "'2026-11-30 13:39:32.123456+00:00'"),
        ("2026-11-30T13:39:32.12345678901234567890123Z", "'2026-11-30T13:39:32.12345678901234567890…'"),
        ("wai_0123456789abcdef", "(20 characters, not a time)"),
        ("2026-11-30\nT13", "(14 characters, not a time)"),
        ("", "''"),
    ])
    func createdAtShown(_ text: String, _ shown: String) {
        #expect(LiveStateReader.quoted(text) == shown)
    }

    /// The details cached under the details' spelling of `created_at` were never found under the listing's:
    /// every plan asked for them again.
    @Test func theSameInstantInAnotherPrecisionIsFoundInTheCache() async throws {
        let cacheDirectory = try TemporaryDirectory("details-instant")
        try await Self.withOneVersion { emulator, client in
            let cache = VersionDetailsCache(cacheDirectory: cacheDirectory.path, baseURL: emulator.baseURL)
            let reader = LyingReader(client: client.readOnly) { details in
                var other = details
                let text = details.createdAt
                other.createdAt = text.contains(".") ? String(text.dropLast()) + "400Z" : String(text.dropLast()) + ".000400Z"
                return other
            }
            _ = try await LiveStateReader(client: reader, cache: cache).read(LiveStateQuery(declarations: Self.declarations))
            #expect(reader.detailReads.load(ordering: .sequentiallyConsistent) == 1)
            // Without the record of verified versions, the details themselves are looked for.
            try FileManager.default.removeItem(atPath: cache.verifiedPath(model: "alice/a"))
            let second = try await LiveStateReader(client: reader, cache: cache).read(LiveStateQuery(declarations: Self.declarations))
            #expect(reader.detailReads.load(ordering: .sequentiallyConsistent) == 1, "the second read found the details in the cache")
            #expect(Planner.plan(declarations: Self.declarations, live: second, revision: Self.revision).summary.hasChanges == false)
        }
    }

    /// The same instant written to another precision by the details endpoint is agreement, not a lie.
    @Test func theSameInstantInAnotherPrecisionAgrees() async throws {
        try await Self.withOneVersion { emulator, client in
            let reader = LyingReader(client: client.readOnly) { details in
                var other = details
                let text = details.createdAt
                // Microseconds where the listing wrote fewer digits: 0.4 ms apart as written, one instant to a millisecond.
                other.createdAt = text.contains(".") ? String(text.dropLast()) + "400Z" : String(text.dropLast()) + ".000400Z"
                return other
            }
            let live = try await LiveStateReader(client: reader, cache: nil).read(LiveStateQuery(declarations: Self.declarations))
            #expect(live[ModelID("alice/a")]?.versions.count == 1)
            #expect(Planner.plan(declarations: Self.declarations, live: live, revision: Self.revision).summary.hasChanges == false)
        }
    }
}
