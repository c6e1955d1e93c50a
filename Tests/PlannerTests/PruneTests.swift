import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

@Suite("Planner: delete, keep and allow_empty")
struct PruneTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: [Int]
        var live: [(number: Int, digest: Int)]
        var prune = true
        var keep: [Int] = []
        var allowEmpty = false
        var steps: [String]
        var warnings: [WarningKind] = []
    }

    static let cases: [Case] = [
        .init(testDescription: "prune on: undeclared live versions are deleted", declared: [2], live: [(1, 1), (2, 2)], steps: ["delete #1"]),
        .init(testDescription: "prune off: nothing is deleted", declared: [2], live: [(1, 1), (2, 2)], prune: false, steps: []),
        .init(testDescription: "deletes come by ascending number", declared: [7], live: [(9, 7), (5, 5), (2, 2), (7, 3)], steps: ["delete #2", "delete #5", "delete #7"]),
        .init(testDescription: "keep protects undeclared numbers", declared: [3], live: [(1, 1), (2, 2), (3, 3)], keep: [1], steps: ["delete #2"]),
        .init(testDescription: "creates come before deletes", declared: [3], live: [(1, 1)], steps: ["create d3", "delete #1"]),
        .init(
            testDescription: "pruning every version is refused with a warning",
            declared: [],
            live: [(1, 1), (2, 2)],
            steps: [],
            warnings: [.emptyRefused]
        ),
        .init(testDescription: "allow_empty lets every version go", declared: [], live: [(1, 1), (2, 2)], allowEmpty: true, steps: ["delete #1", "delete #2"]),
        .init(testDescription: "a kept version means the model is not emptied", declared: [], live: [(1, 1), (2, 2)], keep: [2], steps: ["delete #1"]),
        .init(testDescription: "nothing live, nothing declared: nothing", declared: [], live: [], steps: []),
    ]

    @Test("undeclared live versions", arguments: cases)
    func prune(_ testCase: Case) {
        let plan = Fixture.plan(
            Fixture.declaration(
                testCase.declared.map { Fixture.declared($0) },
                prune: testCase.prune,
                allowEmpty: testCase.allowEmpty,
                keep: testCase.keep
            ),
            live: testCase.live.map { Fixture.live($0.number, $0.digest) }
        )
        #expect(plan.steps() == testCase.steps)
        #expect(plan.warningKinds == testCase.warnings)
    }

    @Test("a refused prune says why and how to allow it, and leaves latest where it is")
    func refusalExplains() throws {
        let plan = Fixture.plan(Fixture.declaration([]), live: [Fixture.live(1, 1), Fixture.live(2, 2)])
        let warning = try #require(plan.warnings.only)
        #expect(
            warning.message
                == "pruning would delete all 2 live versions and leave the model empty, so none is deleted; "
                + "set allow_empty: true to allow it"
        )
        #expect(warning.model == Fixture.model)
        #expect(plan.models.only?.latestAfterApply == VersionReference(number: 2, containerImageDigest: repeatedDigest(2)))
    }

    @Test("a delete names the live version and why")
    func deleteCarriesLiveVersion() throws {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(2)]), live: [Fixture.live(1, 1, notes: "Old"), Fixture.live(2, 2)])
        let change = try #require(plan.changes.only)
        #expect(change.action == .delete)
        #expect(change.number == 1)
        #expect(change.digest == repeatedDigest(1) as Digest)
        #expect(change.releaseNotes == "Old")
        #expect(change.reason == "not declared")
        #expect(change.creation == nil)
    }

    @Test("allow_empty with nothing declared leaves no latest version")
    func allowEmptyLeavesNoLatest() throws {
        let plan = Fixture.plan(Fixture.declaration([], allowEmpty: true), live: [Fixture.live(1, 1)])
        let facts = try #require(plan.models.only)
        #expect(facts.latestAfterApply == nil)
        #expect(facts.declaredLatest == nil)
        #expect(plan.warnings.isEmpty)
    }
}
