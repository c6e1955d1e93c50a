import Planner
import WriftAIModels

/// One plan with every kind of line: a create, a configure, a delete, a drift warning with
/// awkward release notes, a suspended model, and an unchanged model that renderers leave out.
enum RendererFixture {
    static var plan: Plan {
        Fixture.plan(
            [
                Fixture.declaration(
                    [
                        Fixture.declared(1, notes: "Initial release"),
                        Fixture.declared(2, notes: "Faster | smaller\nmodel", configuration: Fixture.gpu),
                        Fixture.declared(3, notes: "Add streaming"),
                    ]
                ),
                Fixture.declaration("acme/summarizer", [Fixture.declared(4)], suspend: true),
                Fixture.declaration("acme/translate", [Fixture.declared(5)]),
            ],
            live: [
                Fixture.model: [
                    Fixture.live(1, 1, notes: "First release"),
                    Fixture.live(2, 2, notes: "Faster | smaller\nmodel", configuration: VersionConfiguration(hardwareIdentifier: "cpu-small", variableNames: [])),
                    Fixture.live(3, 9, notes: "Experimental <b>build</b>"),
                ],
                "acme/summarizer": [Fixture.live(1, 4)],
                "acme/translate": [Fixture.live(1, 5)],
            ]
        )
    }

    static var emptyPlan: Plan {
        Fixture.plan(Fixture.declaration([Fixture.declared(1)]), live: [Fixture.live(1, 1)])
    }
}
