import Declarations
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

@Suite("Planner: immutable drift")
struct DriftTests {
    /// The declared schemas again, with other key order and `100.0` for `100`.
    static let reorderedSchemasJSON = #"""
        {"prediction": {"output": {"type": "string"},
                        "input": {"properties": {"prompt": {"maxLength": 100.0, "type": "string"}}, "type": "object"}}}
        """#
    static let otherSchemas = Schemas(
        prediction: PredictionSchemas(
            input: ["type": "object", "properties": ["prompt": ["type": "string", "maxLength": 200]]],
            output: ["type": "string"]
        )
    )

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: VersionDeclaration
        var live: LiveVersion
        /// The drifted fields as the warning lists them; nil for no drift.
        var drift: String?
    }

    static func cases() throws -> [Case] {
        [
            .init(
                testDescription: "release notes differ",
                declared: Fixture.declared(1, notes: "New words"),
                live: Fixture.live(1, 1, notes: "Old words"),
                drift: "release notes"
            ),
            .init(
                testDescription: "schemas with other key order and 1 vs 1.0 are the same",
                declared: Fixture.declared(1),
                live: Fixture.live(1, 1, schemas: try Fixture.schemas(json: reorderedSchemasJSON)),
                drift: nil
            ),
            .init(
                testDescription: "schemas really differ",
                declared: Fixture.declared(1),
                live: Fixture.live(1, 1, schemas: otherSchemas),
                drift: "schemas"
            ),
            .init(
                testDescription: "unknown live schemas are not compared",
                declared: Fixture.declared(1),
                live: Fixture.live(1, 1, schemas: nil),
                drift: nil
            ),
            .init(
                testDescription: "undeclared compatibilities equal all false",
                declared: Fixture.declared(1),
                live: Fixture.live(1, 1, compatibilities: Compatibilities()),
                drift: nil
            ),
            .init(
                testDescription: "undeclared compatibilities differ from a live true flag",
                declared: Fixture.declared(1),
                live: Fixture.live(1, 1, compatibilities: Compatibilities(anthropicMessages: true)),
                drift: "compatibilities"
            ),
            .init(
                testDescription: "declared compatibilities that match",
                declared: Fixture.declared(1, compatibilities: Compatibilities(openaiChatCompletions: true)),
                live: Fixture.live(1, 1, compatibilities: Compatibilities(openaiChatCompletions: true)),
                drift: nil
            ),
            .init(
                testDescription: "unknown live compatibilities are not compared",
                declared: Fixture.declared(1, compatibilities: Compatibilities(openaiChatCompletions: true)),
                live: Fixture.live(1, 1, compatibilities: nil),
                drift: nil
            ),
            .init(
                testDescription: "everything differs",
                declared: Fixture.declared(1, notes: "New", compatibilities: Compatibilities(openaiEmbeddings: true)),
                live: Fixture.live(1, 1, notes: "Old", schemas: otherSchemas),
                drift: "release notes, schemas and compatibilities"
            ),
        ]
    }

    @Test("on_immutable_change: warn reports drift and changes nothing", arguments: try cases())
    func warn(_ testCase: Case) throws {
        let plan = Fixture.plan(Fixture.declaration([testCase.declared]), live: [testCase.live])
        #expect(plan.changes.isEmpty)
        #expect(plan.summary.unchanged == 1)
        guard let drift = testCase.drift else {
            #expect(plan.warnings.isEmpty)
            return
        }
        let warning = try #require(plan.warnings.only)
        #expect(warning.kind == .immutableDrift)
        #expect(warning.number == 1)
        #expect(warning.containerImageDigest == repeatedDigest(1) as Digest)
        #expect(warning.message.hasPrefix("#1 differs from its declaration in \(drift)"))
        #expect(warning.message.hasSuffix("so it is left as is (on_immutable_change: replace would re-create it)"))
        #expect(warning.declaredAt == "models/sentiment.yaml:11:5")
    }

    @Test("on_immutable_change: replace deletes the drifted version and creates the declared one", arguments: try cases())
    func replace(_ testCase: Case) throws {
        let plan = Fixture.plan(
            Fixture.declaration([testCase.declared], onImmutableChange: .replace),
            live: [testCase.live]
        )
        #expect(plan.warnings.isEmpty)
        guard let drift = testCase.drift else {
            #expect(plan.changes.isEmpty)
            return
        }
        #expect(plan.steps() == ["create d1", "delete #1"])
        #expect(plan.changes[0].replaces == 1)
        #expect(plan.changes[0].creation?.request == testCase.declared.createRequest)
        #expect(plan.changes[0].reason == "replaces #1: immutable drift in \(drift)")
        #expect(plan.changes[1].reason == "replaced by a new version: immutable drift in \(drift)")
        #expect(plan.summary.unchanged == 0)
    }

    @Test("the drift warning quotes both release notes, escaped")
    func warningQuotesReleaseNotes() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Say \"hi\"")]),
            live: [Fixture.live(1, 1, notes: "line one\nline two")]
        )
        let warning = try #require(plan.warnings.only)
        #expect(
            warning.message
                == #"#1 differs from its declaration in release notes (live release notes "line one\nline two", "#
                + #"declared "Say \"hi\""); these are immutable, so it is left as is "#
                + "(on_immutable_change: replace would re-create it)"
        )
    }

    @Test("a replacement's create takes the declared version's slot among the creates")
    func replacementKeepsDeclarationOrder() {
        let plan = Fixture.plan(
            Fixture.declaration(
                [Fixture.declared(5), Fixture.declared(1, notes: "Changed"), Fixture.declared(2)],
                onImmutableChange: .replace, onOutOfOrder: .allow
            ),
            live: [Fixture.live(1, 1), Fixture.live(2, 2)]
        )
        #expect(plan.steps() == ["create d5", "create d1", "delete #1"])
    }

    @Test("replace deletes the drifted version even with prune off")
    func replaceIgnoresPrune() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed")], prune: false, onImmutableChange: .replace),
            live: [Fixture.live(1, 1)]
        )
        #expect(plan.steps() == ["create d1", "delete #1"])
    }

    @Test("a drifted version in keep is never replaced, only warned about")
    func keepBlocksReplace() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed")], keep: [1], onImmutableChange: .replace),
            live: [Fixture.live(1, 1)]
        )
        #expect(plan.changes.isEmpty)
        let warning = try #require(plan.warnings.only)
        #expect(warning.kind == .immutableDrift)
        #expect(warning.message.hasSuffix("these are immutable and #1 is in keep, so it is not replaced"))
    }

    @Test("with on_immutable_change: warn, a kept version gets the usual drift warning")
    func keepWithWarn() throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed")], keep: [1]),
            live: [Fixture.live(1, 1)]
        )
        #expect(plan.changes.isEmpty)
        let warning = try #require(plan.warnings.only)
        #expect(warning.message.hasSuffix("so it is left as is (on_immutable_change: replace would re-create it)"))
    }

    @Test("a warned drift does not stop a configuration update")
    func driftAndConfiguration() {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "Changed", configuration: Fixture.gpu)]),
            live: [Fixture.live(1, 1, configuration: nil)]
        )
        #expect(plan.steps() == ["configure #1"])
        #expect(plan.warningKinds == [.immutableDrift])
        #expect(plan.summary.unchanged == 0)
    }
}
