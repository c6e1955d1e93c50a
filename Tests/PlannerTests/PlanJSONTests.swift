import Foundation
import Planner
import Testing
import WriftAIModels

@Suite("Plan JSON")
struct PlanJSONTests {
    /// One configuration update with unknown live configuration, one delete, one drift warning.
    static var smallPlan: Plan {
        Fixture.plan(
            Fixture.declaration([Fixture.declared(1, notes: "New", configuration: Fixture.gpu)]),
            live: [Fixture.live(1, 1, notes: "Old"), Fixture.live(2, 2)]
        )
    }

    static let smallPlanJSON = #"""
        {
          "changes" : [
            {
              "action" : "update_configuration",
              "configuration" : {
                "hardware_identifier" : "gpu-a100",
                "variable_names" : [
                  "HF_TOKEN",
                  "WANDB_KEY"
                ]
              },
              "container_image_digest" : "sha256:0101010101010101010101010101010101010101010101010101010101010101",
              "declared_at" : "models/sentiment.yaml:11:5",
              "model" : "acme/sentiment",
              "number" : 1,
              "reason" : "live configuration unknown (not observed); setting hardware gpu-a100, variables [HF_TOKEN, WANDB_KEY]",
              "release_notes" : "Old"
            },
            {
              "action" : "delete",
              "container_image_digest" : "sha256:0202020202020202020202020202020202020202020202020202020202020202",
              "model" : "acme/sentiment",
              "number" : 2,
              "reason" : "not declared",
              "release_notes" : "Release 2"
            }
          ],
          "estimate" : {
            "requests" : 2,
            "seconds" : 0.6666666666666666
          },
          "format_version" : 1,
          "models" : [
            {
              "declared_latest" : {
                "container_image_digest" : "sha256:0101010101010101010101010101010101010101010101010101010101010101",
                "number" : 1
              },
              "latest_after_apply" : {
                "container_image_digest" : "sha256:0101010101010101010101010101010101010101010101010101010101010101",
                "number" : 1
              },
              "latest_before_apply" : {
                "container_image_digest" : "sha256:0202020202020202020202020202020202020202020202020202020202020202",
                "number" : 2
              },
              "live_fingerprint" : "c0749575b4fa3e7b",
              "live_highest_number" : 2,
              "model" : "acme/sentiment",
              "on_out_of_order" : "hold",
              "suspended" : false
            }
          ],
          "revision" : {
            "commit" : "4f1c2e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
            "ref" : "main",
            "repository" : "https://git.example/acme/models.git"
          },
          "summary" : {
            "create" : 0,
            "delete" : 1,
            "unchanged" : 0,
            "update_configuration" : 1,
            "warnings" : 1
          },
          "warnings" : [
            {
              "container_image_digest" : "sha256:0101010101010101010101010101010101010101010101010101010101010101",
              "declared_at" : "models/sentiment.yaml:11:5",
              "kind" : "immutable_drift",
              "message" : "#1 differs from its declaration in release notes (live release notes \"Old\", declared \"New\"); these are immutable, so it is left as is (on_immutable_change: replace would re-create it)",
              "model" : "acme/sentiment",
              "number" : 1
            }
          ]
        }

        """#

    @Test("golden: format_version 1, snake_case keys, sorted and pretty")
    func golden() throws {
        let json = String(decoding: try Self.smallPlan.encodedJSON(), as: UTF8.self)
        #expect(json == Self.smallPlanJSON)
    }

    @Test("the golden JSON decodes, with a plain decoder, to the same plan")
    func goldenDecodes() throws {
        #expect(try Plan.decode(from: Data(Self.smallPlanJSON.utf8)) == Self.smallPlan)
        #expect(try JSONDecoder().decode(Plan.self, from: Data(Self.smallPlanJSON.utf8)) == Self.smallPlan)
    }

    static func roundTripPlans() -> [Plan] {
        [
            RendererFixture.plan,
            RendererFixture.emptyPlan,
            SummaryTests.mixedPlan(rateLimit: 3),
            Fixture.plan(
                Fixture.declaration(
                    [Fixture.declared(1, notes: "Changed", compatibilities: Compatibilities(openaiResponses: true))],
                    onImmutableChange: .replace
                ),
                live: [Fixture.live(1, 1)]
            ),
        ]
    }

    @Test("encode → decode gives back an equal plan, create payloads and replacements included", arguments: roundTripPlans())
    func roundTrip(_ plan: Plan) throws {
        let decoded = try Plan.decode(from: try plan.encodedJSON())
        #expect(decoded == plan)
    }

    /// A plan edited by hand so that a change lacks what its call needs is refused when read, not half-way
    /// through an apply.
    @Test("a change without its payload is refused when read", arguments: [
        ("a create without its request", "create", "request", nil as String?),
        ("a create whose request is for another image", "create", "request.container_image_digest", "sha256:" + String(repeating: "9", count: 64)),
        ("a configuration update without its configuration", "update_configuration", "configuration", nil),
        ("a configuration update without its number", "update_configuration", "number", nil),
        ("a delete without its number", "delete", "number", nil),
    ])
    func missingPayloadsAreRefused(_ name: String, _ action: String, _ key: String, _ replacement: String?) throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, configuration: Fixture.gpu), Fixture.declared(2)]),
            live: [Fixture.live(1, 1), Fixture.live(3, 3)]
        )
        #expect(Set(plan.changes.map(\.action)) == [.create, .updateConfiguration, .delete])
        var object = try #require(try JSONSerialization.jsonObject(with: plan.encodedJSON()) as? [String: Any])
        var changes = try #require(object["changes"] as? [[String: Any]])
        let index = try #require(changes.firstIndex { $0["action"] as? String == action })
        let path = key.split(separator: ".").map(String.init)
        if path.count == 2 {
            var inner = try #require(changes[index][path[0]] as? [String: Any])
            inner[path[1]] = replacement
            changes[index][path[0]] = inner
        } else {
            changes[index][key] = replacement
        }
        object["changes"] = changes
        let edited = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self, "\(name)") { try Plan.decode(from: edited) }
        #expect(try Plan.decode(from: plan.encodedJSON()) == plan, "the unedited plan reads")
    }

    @Test("a create keeps its full payload through a save")
    func createPayloadSurvives() throws {
        let declared = Fixture.declared(
            1,
            compatibilities: Compatibilities(openaiChatCompletions: true),
            configuration: Fixture.gpu
        )
        let plan = Fixture.plan(Fixture.declaration([declared]), live: [])
        let decoded = try Plan.decode(from: try plan.encodedJSON())
        #expect(decoded.changes.only?.creation?.request == declared.createRequest)
    }

    struct RejectCase: Sendable, CustomTestStringConvertible {
        var json: String
        var error: PlanFormatError
        var testDescription: String { json }
    }

    @Test(
        "unknown or missing format_version is refused before anything else is read",
        arguments: [
            RejectCase(json: #"{"format_version": 2}"#, error: .unsupportedFormatVersion(2)),
            RejectCase(json: #"{"format_version": 0, "changes": "whatever"}"#, error: .unsupportedFormatVersion(0)),
            RejectCase(json: #"{"changes": []}"#, error: .missingFormatVersion),
        ]
    )
    func rejectsFormatVersion(_ testCase: RejectCase) {
        #expect(throws: testCase.error) {
            try Plan.decode(from: Data(testCase.json.utf8))
        }
    }

    @Test("the format error explains itself")
    func errorDescriptions() {
        #expect(
            PlanFormatError.unsupportedFormatVersion(2).description
                == "unsupported plan format_version 2: this wriftsync reads format_version 1; "
                + "re-run `wriftsync plan` with the same wriftsync that applies it"
        )
        #expect(PlanFormatError.missingFormatVersion.description == "not a WriftSync plan: it has no format_version")
    }

    @Test("PlanFormat.json renders the saved form; text and markdown match their renderers")
    func planFormat() throws {
        let plan = RendererFixture.plan
        #expect(try PlanFormat.json.render(plan) == String(decoding: try plan.encodedJSON(), as: UTF8.self))
        #expect(try PlanFormat.text.render(plan, colour: true) == TextRenderer.render(plan, colour: true))
        #expect(try PlanFormat.markdown.render(plan) == MarkdownRenderer.render(plan))
    }

    @Test("live state round-trips with snake_case keys")
    func liveStateCodable() throws {
        let live = LiveModel(model: Fixture.model, versions: [Fixture.live(1, 1, configuration: Fixture.gpu)])
        let data = try JSONEncoder().encode(live)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""created_at":"2026-01-01T00:00:00Z""#))
        #expect(text.contains(#""container_image_digest":"#))
        #expect(try JSONDecoder().decode(LiveModel.self, from: data) == live)
    }
}
