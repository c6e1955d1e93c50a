import Declarations
import Foundation
import Planner
import Testing
import WriftAIModels

/// What a plan tells a reviewer besides its changes: the versions that stay undeclared and why, the models no
/// longer managed, and how the renderers group and cut them.
@Suite("Plan review")
struct ReviewTests {
    struct KeptCase: Sendable, CustomTestStringConvertible {
        let name: String
        let declaration: ModelDeclaration
        let live: [LiveVersion]
        /// `#number reason` per kept version.
        let kept: [String]
        var testDescription: String { name }
    }

    static let keptCases: [KeptCase] = [
        KeptCase(name: "in keep", declaration: Fixture.declaration([Fixture.declared(2)], keep: [1]), live: [Fixture.live(1, 1), Fixture.live(2, 2)], kept: ["#1 keep"]),
        KeptCase(name: "prune off", declaration: Fixture.declaration([Fixture.declared(2)], prune: false), live: [Fixture.live(1, 1), Fixture.live(2, 2)], kept: ["#1 prune_off"]),
        KeptCase(name: "pruning would empty the model", declaration: Fixture.declaration([]), live: [Fixture.live(1, 1), Fixture.live(2, 2)], kept: ["#1 empty_refused", "#2 empty_refused"]),
        KeptCase(name: "deleted ones are not kept", declaration: Fixture.declaration([Fixture.declared(2)]), live: [Fixture.live(1, 1), Fixture.live(2, 2)], kept: []),
        KeptCase(name: "a replaced one is not kept", declaration: Fixture.declaration([Fixture.declared(1, notes: "New")], keep: [], onImmutableChange: .replace),
                 live: [Fixture.live(1, 1, notes: "Old")], kept: []),
        KeptCase(name: "declared ones are not listed", declaration: Fixture.declaration([Fixture.declared(1)], keep: [1]), live: [Fixture.live(1, 1)], kept: []),
    ]

    @Test("undeclared live versions that stay are listed with why", arguments: keptCases)
    func kept(_ testCase: KeptCase) {
        let facts = Fixture.plan(testCase.declaration, live: testCase.live).models[0]
        #expect((facts.kept ?? []).map { "#\($0.number) \($0.reason.rawValue)" } == testCase.kept)
        if testCase.kept.isEmpty { #expect(facts.kept == nil, "no key in the JSON when there is nothing") }
    }

    @Test("kept versions and unmanaged models survive a save, and older plans without them still read")
    func json() throws {
        let plan = RendererFixture.riskyPlan
        let data = try plan.encodedJSON()
        #expect(try Plan.decode(from: data) == plan)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let unmanaged = try #require(object["unmanaged"] as? [[String: Any]])
        #expect(unmanaged.first?["model"] as? String == "acme/retired")
        #expect(unmanaged.first?["declared_in"] as? String == "models/retired.yaml")
        let models = try #require(object["models"] as? [[String: Any]])
        let kept = try #require(models.first?["kept"] as? [[String: Any]])
        #expect(kept.first?["number"] as? Int == 1 && kept.first?["reason"] as? String == "keep")

        var older = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        older["unmanaged"] = nil
        older["models"] = models.map { model in model.filter { $0.key != "kept" } }
        let decoded = try Plan.decode(from: try JSONSerialization.data(withJSONObject: older))
        #expect(decoded.unmanaged == nil && decoded.models.allSatisfy { $0.kept == nil })
        #expect(decoded.changes == plan.changes)
    }

    @Test("a create replacing a version that is not deleted (kept by keep) stays a create row")
    func recreateOfAKeptVersionIsNotAReplaceRow() {
        // d1 was deleted by hand; recreating it re-creates d2 after it, whose old copy #2 is in keep.
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1), Fixture.declared(2)], keep: [2], onOutOfOrder: .recreate),
            live: [Fixture.live(2, 2)]
        )
        #expect(plan.steps() == ["create d1", "create d2"])
        #expect(plan.changes[1].replaces == 2)
        let text = TextRenderer.render(plan)
        #expect(!text.contains("± replace"))
        #expect(text.contains("  + create     new  020202020202"))
    }

    @Test("a plan without risks has no warning block and no risk list")
    func quietPlan() {
        let plan = Fixture.plan(Fixture.declaration([Fixture.declared(1), Fixture.declared(2)]), live: [Fixture.live(1, 1), Fixture.live(2, 2)])
        let markdown = MarkdownRenderer.render(plan)
        #expect(!markdown.contains("[!WARNING]"))
        #expect(!markdown.contains("- ➖"))
        #expect(!TextRenderer.render(plan).hasPrefix("!"))
    }

    @Test("a cut inside a model's details closes them, so the footer is not swallowed")
    func truncationClosesDetails() throws {
        let markdown = MarkdownRenderer.render(MarkdownRendererTests.hugePlan)
        #expect(markdown.components(separatedBy: "<details>").count - 1 == 1)
        #expect(markdown.components(separatedBy: "</details>").count - 1 == 1)
        let close = try #require(markdown.range(of: "\n</details>\n"))
        let note = try #require(markdown.range(of: "> **Truncated:**"))
        #expect(close.lowerBound < note.lowerBound)
        #expect(markdown.unicodeScalars.count <= MarkdownRenderer.defaultLimit)
    }

    @Test("the risk list names at most ten items of a kind and counts the rest")
    func longRiskLists() {
        let declarations = (0..<12).map { Fixture.declaration([Fixture.declared(2)], of: ModelID(stringLiteral: String(format: "acme/m%02d", $0))) }
        let live = Dictionary(uniqueKeysWithValues: (0..<12).map { (ModelID(stringLiteral: String(format: "acme/m%02d", $0)), [Fixture.live(1, 1), Fixture.live(2, 2)]) })
        let markdown = MarkdownRenderer.render(Fixture.plan(declarations, live: live))
        #expect(markdown.contains("- ➖ **12 to delete:** `acme/m00` #1, `acme/m01` #1, "))
        #expect(markdown.contains("`acme/m09` #1, … and 2 more\n"))
    }
}
