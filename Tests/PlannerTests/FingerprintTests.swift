import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

@Suite("LiveModel.fingerprint")
struct FingerprintTests {
    static let versions = [Fixture.live(1, 1), Fixture.live(2, 2)]

    @Test("known answers: FNV-1a 64 of the sorted triples")
    func knownAnswers() {
        #expect(LiveModel(model: Fixture.model, versions: []).fingerprint == "cbf29ce484222325")
        #expect(LiveModel(model: Fixture.model, versions: Self.versions).fingerprint == "c0749575b4fa3e7b")
    }

    @Test("stable under the order the versions were listed in")
    func orderIndependent() {
        let forward = LiveModel(model: Fixture.model, versions: Self.versions)
        let backward = LiveModel(model: Fixture.model, versions: Self.versions.reversed())
        #expect(forward.fingerprint == backward.fingerprint)
    }

    @Test("ignores what does not identify a version: notes, details, configuration")
    func ignoresMutableAndDetails() {
        let plain = LiveModel(model: Fixture.model, versions: Self.versions)
        var decorated = Self.versions
        decorated[0].releaseNotes = "Other"
        decorated[0].schemas = nil
        decorated[1].configuration = Fixture.gpu
        #expect(LiveModel(model: Fixture.model, versions: decorated).fingerprint == plain.fingerprint)
    }

    struct ChangeCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var versions: [LiveVersion]
    }

    @Test(
        "changes when a version appears, disappears or is re-created",
        arguments: [
            ChangeCase(testDescription: "one more", versions: versions + [Fixture.live(3, 3)]),
            ChangeCase(testDescription: "one less", versions: [Fixture.live(1, 1)]),
            ChangeCase(testDescription: "other digest", versions: [Fixture.live(1, 1), Fixture.live(2, 3)]),
            ChangeCase(
                testDescription: "other created_at",
                versions: [
                    Fixture.live(1, 1),
                    LiveVersion(number: 2, createdAt: "2026-02-02T00:00:00Z", containerImageDigest: repeatedDigest(2), releaseNotes: "Release 2"),
                ]
            ),
        ]
    )
    func changesWithIdentity(_ testCase: ChangeCase) {
        let original = LiveModel(model: Fixture.model, versions: Self.versions).fingerprint
        #expect(LiveModel(model: Fixture.model, versions: testCase.versions).fingerprint != original)
    }

    @Test("the plan records each model's fingerprint")
    func planRecordsFingerprint() {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1)]), live: Self.versions)
        #expect(plan.models.only?.liveFingerprint == "c0749575b4fa3e7b")
    }
}
