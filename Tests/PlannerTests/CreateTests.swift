import Planner
import Testing
import WriftAIModels

@Suite("Planner: create")
struct CreateTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: [Int]
        var live: [(number: Int, digest: Int)]
        var steps: [String]
    }

    static let cases: [Case] = [
        .init(testDescription: "nothing live: every version, in declaration order", declared: [3, 1, 2], live: [], steps: ["create d3", "create d1", "create d2"]),
        .init(testDescription: "only the missing ones, still in declaration order", declared: [1, 2, 3, 4], live: [(1, 2), (2, 4)], steps: ["create d1", "create d3"]),
        .init(testDescription: "everything live: nothing", declared: [1, 2], live: [(1, 1), (2, 2)], steps: []),
    ]

    // `allow`: the order of creates is what is tested here; OutOfOrderTests covers what `hold` holds back.
    @Test("declared digests that are not live are created", arguments: cases)
    func createsMissingVersions(_ testCase: Case) {
        let plan = Fixture.plan(
            Fixture.declaration(testCase.declared.map { Fixture.declared($0) }, onOutOfOrder: .allow),
            live: testCase.live.map { Fixture.live($0.number, $0.digest) }
        )
        #expect(plan.steps() == testCase.steps)
    }

    @Test("a create carries the full payload, configuration included, and no separate update")
    func createCarriesPayload() throws {
        let declared = Fixture.declared(
            1,
            compatibilities: Compatibilities(openaiChatCompletions: true),
            configuration: Fixture.gpu
        )
        let plan = Fixture.plan(Fixture.declaration([declared]), live: [])
        let change = try #require(plan.changes.only)
        #expect(change.action == .create)
        #expect(change.number == nil)
        #expect(change.creation?.request == declared.createRequest)
        #expect(change.creation?.request.configuration == Fixture.gpu)
        #expect(change.releaseNotes == "Release 1")
        #expect(change.reason == "declared, not live")
        #expect(change.declaredAt == "models/sentiment.yaml:11:5")
        #expect(change.configurationChange == nil)
        #expect(plan.summary.updateConfiguration == 0)
    }

    @Test("a model missing from the live state is planned as having no versions")
    func missingLiveModelIsEmpty() throws {
        let plan = Fixture.plan([Fixture.declaration([Fixture.declared(1)])], live: [:])
        #expect(plan.steps() == ["create d1"])
        let facts = try #require(plan.models.only)
        #expect(facts.liveFingerprint == LiveModel(model: Fixture.model, versions: []).fingerprint)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
