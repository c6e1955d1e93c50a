import Planner
import Testing
import WriftSyncTesting

@Suite("Planner: latest after apply")
struct LatestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: [Int]
        var live: [(number: Int, digest: Int)]
        var prune = true
        var keep: [Int] = []
        var latest: VersionReference?
        var declaredLatest: VersionReference?
        /// The end of the latest_mismatch warning, or nil for none.
        var cause: String?
    }

    static func ref(_ number: Int?, _ d: Int) -> VersionReference {
        VersionReference(number: number, containerImageDigest: repeatedDigest(d))
    }

    static let cases: [Case] = [
        .init(testDescription: "the last create becomes latest", declared: [1, 2], live: [(1, 1)], latest: ref(nil, 2), declaredLatest: ref(nil, 2)),
        .init(testDescription: "no creates: the highest live number stays latest", declared: [1, 2], live: [(1, 1), (2, 2)], latest: ref(2, 2), declaredLatest: ref(2, 2)),
        .init(testDescription: "deleted versions do not count", declared: [1], live: [(1, 1), (2, 2)], latest: ref(1, 1), declaredLatest: ref(1, 1)),
        .init(
            testDescription: "an older declared version created after a newer live one",
            declared: [1, 2],
            live: [(1, 2)],
            latest: ref(nil, 1),
            declaredLatest: ref(1, 2),
            cause: "a version declared before it is created after it"
        ),
        .init(
            testDescription: "an earlier declared version holds the higher number",
            declared: [1, 2],
            live: [(1, 2), (2, 1)],
            latest: ref(2, 1),
            declaredLatest: ref(1, 2),
            cause: "an earlier declared version has a higher number"
        ),
        .init(
            testDescription: "a newer undeclared version kept with prune off",
            declared: [1],
            live: [(1, 1), (2, 9)],
            prune: false,
            latest: ref(2, 9),
            declaredLatest: ref(1, 1),
            cause: "it is not declared but prune is off"
        ),
        .init(
            testDescription: "a newer undeclared version in keep",
            declared: [1],
            live: [(1, 1), (2, 9)],
            keep: [2],
            latest: ref(2, 9),
            declaredLatest: ref(1, 1),
            cause: "it is not declared but is in keep"
        ),
    ]

    @Test("latest after apply, declared latest, and the warning when they differ", arguments: cases)
    func latest(_ testCase: Case) throws {
        let plan = Fixture.plan(
            // `allow`: these cases show the warning a plan gives when the latest moves; `hold` (OutOfOrderTests)
            // holds such creates back instead.
            Fixture.declaration(testCase.declared.map { Fixture.declared($0) }, prune: testCase.prune, keep: testCase.keep, onOutOfOrder: .allow),
            live: testCase.live.map { Fixture.live($0.number, $0.digest) }
        )
        let facts = try #require(plan.models.only)
        #expect(facts.latestAfterApply == testCase.latest)
        #expect(facts.declaredLatest == testCase.declaredLatest)
        guard let cause = testCase.cause else {
            #expect(plan.warnings.isEmpty)
            return
        }
        let warning = try #require(plan.warnings.only)
        #expect(warning.kind == .latestMismatch)
        #expect(warning.containerImageDigest == testCase.latest?.containerImageDigest)
        #expect(warning.number == testCase.latest?.number)
        #expect(warning.message.hasSuffix(cause))
    }

    @Test("the warning names both versions")
    func warningMessage() throws {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1), Fixture.declared(2)], onOutOfOrder: .allow), live: [Fixture.live(1, 2)])
        let warning = try #require(plan.warnings.only)
        #expect(
            warning.message
                == "after apply the latest version would be new (010101010101), not the last declared version "
                + "#1 (020202020202): a version declared before it is created after it"
        )
    }

    @Test("a replaced declared latest is referenced without its old number")
    func replacedDeclaredLatest() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed")], onImmutableChange: .replace),
            live: [Fixture.live(1, 1)]
        )
        let facts = try #require(plan.models.only)
        #expect(facts.declaredLatest == Self.ref(nil, 1))
        #expect(facts.latestAfterApply == Self.ref(nil, 1))
        #expect(plan.warnings.isEmpty)
    }
}
