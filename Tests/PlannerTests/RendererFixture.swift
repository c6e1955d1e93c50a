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
                Fixture.declaration([Fixture.declared(4)], of: "acme/summarizer", suspend: true),
                Fixture.declaration([Fixture.declared(5)], of: "acme/translate"),
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

    /// A plan with what a reviewer must not miss: a latest version moving to one that is not the last declared
    /// (`acme/tagger`: #4 is deleted and #3, undeclared but in keep, becomes the latest), versions kept by
    /// `keep`, a replacement (`acme/chat` #3), a create with its configuration and compatibilities, and a
    /// model no longer declared.
    static var riskyPlan: Plan {
        var plan = Fixture.plan(
            [
                Fixture.declaration(
                    [
                        Fixture.declared(2, notes: "Two"),
                        Fixture.declared(3, notes: "Three, corrected"),
                        Fixture.declared(
                            5, notes: "Five",
                            compatibilities: Compatibilities(openaiChatCompletions: true),
                            configuration: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"])
                        ),
                    ],
                    of: "acme/chat",
                    keep: [1],
                    onImmutableChange: .replace
                ),
                Fixture.declaration([Fixture.declared(1, notes: "One"), Fixture.declared(2, notes: "Two")], of: "acme/tagger", keep: [3]),
            ],
            live: [
                "acme/chat": [
                    Fixture.live(1, 1, notes: "One"),
                    Fixture.live(2, 2, notes: "Two"),
                    Fixture.live(3, 3, notes: "Three"),
                    Fixture.live(4, 4, notes: "Four"),
                ],
                "acme/tagger": [
                    Fixture.live(1, 1, notes: "One"),
                    Fixture.live(2, 2, notes: "Two"),
                    Fixture.live(3, 3, notes: "Three"),
                    Fixture.live(4, 4, notes: "Four"),
                ],
            ]
        )
        plan.unmanaged = [UnmanagedModel(model: "acme/retired", declaredIn: "models/retired.yaml", lastDeclaredAt: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432")]
        return plan
    }
}
