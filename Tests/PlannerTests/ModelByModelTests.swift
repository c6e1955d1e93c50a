import Declarations
import Planner
import WriftAIModels
import WriftSyncTesting

import Testing

/// Planning each model as its live state arrives (what an overlapped plan does) gives the plan planning
/// them all at the end gives.
@Suite("Planning model by model")
struct ModelByModelTests {
    static let declarations: [ModelDeclaration] = [
        Fixture.declaration(
            [Fixture.declared(1, notes: "Initial release"), Fixture.declared(2, configuration: Fixture.gpu), Fixture.declared(3)]
        ),
        Fixture.declaration([Fixture.declared(4)], of: "acme/summarizer", suspend: true),
        Fixture.declaration([Fixture.declared(5)], of: "acme/translate"),
        Fixture.declaration([Fixture.declared(2), Fixture.declared(3, notes: "Three, corrected")], of: "acme/chat", keep: [1], onImmutableChange: .replace),
        Fixture.declaration([Fixture.declared(6), Fixture.declared(7)], of: "acme/new"),
    ]

    static let live: [ModelID: LiveModel] = [
        Fixture.model: LiveModel(model: Fixture.model, versions: [
            Fixture.live(1, 1, notes: "First release"), Fixture.live(2, 2), Fixture.live(3, 9),
        ]),
        "acme/summarizer": LiveModel(model: "acme/summarizer", versions: [Fixture.live(1, 4)]),
        "acme/translate": LiveModel(model: "acme/translate", versions: [Fixture.live(1, 5)]),
        "acme/chat": LiveModel(model: "acme/chat", versions: [Fixture.live(1, 1), Fixture.live(2, 2), Fixture.live(3, 3), Fixture.live(4, 4)]),
    ]

    static let gate = ReleaseGateState(quarantined: [ReleaseGateState.Key(model: "acme/new", digest: repeatedDigest(7)): .init(fingerprint: "f", reason: "smoke test failed", number: nil)])

    /// Which models are planned ahead: none, some, all.
    static let ahead: [[ModelID]] = [[], [Fixture.model, "acme/chat"], declarations.map(\.model)]

    @Test("the same plan whichever models were planned ahead", arguments: ahead)
    func samePlan(_ ahead: [ModelID]) {
        let whole = Planner.plan(declarations: Self.declarations, live: Self.live, revision: Fixture.revision, gate: Self.gate)
        var planned: [ModelID: ModelOutcome] = [:]
        // In an order of their own, as listings complete.
        for declaration in Self.declarations.reversed() where ahead.contains(declaration.model) {
            planned[declaration.model] = Planner.planModel(declaration, live: Self.live[declaration.model], gate: Self.gate)
        }
        let pieced = Planner.plan(declarations: Self.declarations, live: Self.live, revision: Fixture.revision, gate: Self.gate, planned: planned)
        #expect(pieced == whole)
        #expect(!whole.changes.isEmpty && !whole.warnings.isEmpty, "the fixture plans creates, deletes and warnings")
    }
}
