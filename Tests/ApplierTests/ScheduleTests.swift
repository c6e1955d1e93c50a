import Foundation
import Applier
import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

/// The pure ordering and rails: values in, values out.
@Suite struct ScheduleTests {
    static func change(_ model: ModelID, _ action: ChangeAction, _ seed: Int, number: Int? = nil) -> PlannedChange {
        plannedChange(model, action, digest: digest(seed), number: number, releaseNotes: "test", reason: "test")
    }

    static func plan(_ changes: [PlannedChange]) -> Plan {
        Plan(
            revision: Revision(repository: "r", ref: "main", commit: "c"),
            summary: PlanSummary(
                create: changes.count { $0.action == .create },
                updateConfiguration: changes.count { $0.action == .updateConfiguration },
                delete: changes.count { $0.action == .delete }, unchanged: 0, warnings: 0,
                smokeTest: changes.count { $0.action == .smokeTest }),
            changes: changes, warnings: [],
            models: Set(changes.map(\.model)).sorted().map {
                ModelPlan(model: $0, latestAfterApply: nil, declaredLatest: nil, liveFingerprint: nil, suspended: false)
            },
            estimate: PlanEstimate(requests: changes.count, seconds: 0)
        )
    }

    @Test func theAppliedOrderIsThePlansOwnPerModel() throws {
        let plan = Self.plan([
            Self.change("alice/a", .smokeTest, 7, number: 7),
            Self.change("alice/a", .create, 30),
            Self.change("alice/a", .create, 20),
            Self.change("alice/a", .updateConfiguration, 2, number: 2),
            Self.change("alice/a", .delete, 1, number: 1),
            Self.change("alice/a", .delete, 5, number: 5),
            Self.change("alice/b", .create, 40),
            Self.change("alice/b", .delete, 9, number: 9),
        ])
        let groups = plan.modelChanges
        #expect(groups.map(\.model) == ["alice/a", "alice/b"], "models in the order the plan names them")
        #expect(groups.reduce(0) { $0 + $1.changes.count } == 8)
        let a = groups[0]
        #expect(a.changes.map(\.action) == [.smokeTest, .create, .create, .updateConfiguration, .delete, .delete])
        #expect(a.changes.map(\.digest) == [7, 30, 20, 2, 1, 5].map { digest($0) as Digest }, "creates keep plan order")
        #expect(Array(a.indices) == [0, 1, 2, 3, 4, 5], "each change keeps its index in the plan")
        #expect(Array(groups[1].indices) == [6, 7])
        #expect(groups[1].changes.map(\.action) == [.create, .delete], "a create runs before a delete")
        #expect(try Plan.decode(from: plan.encodedJSON()) == plan, "a plan in apply order reads back")
    }

    /// The applier no longer re-sorts: a saved plan whose changes are not in apply order is refused when read.
    @Test(arguments: [
        ("a delete before a create", [("alice/a", ChangeAction.delete, 5, 5), ("alice/a", .create, 30, nil)], "a create comes after a delete"),
        ("a model's changes apart", [("alice/a", .create, 30, nil), ("alice/b", .create, 40, nil), ("alice/a", .delete, 1, 1)], "are not together"),
        ("deletes out of number order", [("alice/a", .delete, 5, 5), ("alice/a", .delete, 1, 1)], "ascending order"),
        ("a smoke test after a create", [("alice/a", .create, 30, nil), ("alice/a", .smokeTest, 7, 7)], "a smoke_test comes after a create"),
    ] as [(String, [(ModelID, ChangeAction, Int, Int?)], String)])
    func aPlanOutOfApplyOrderIsRefused(_ name: String, _ changes: [(ModelID, ChangeAction, Int, Int?)], _ message: String) throws {
        let plan = Self.plan(changes.map { Self.change($0.0, $0.1, $0.2, number: $0.3) })
        #expect {
            try Plan.decode(from: plan.encodedJSON())
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    /// What a saved plan says about itself (its summary, its models' facts) is what a reviewer read and what
    /// the checks before applying trust: a plan whose statements its changes contradict is refused when read.
    @Test(arguments: [
        ("a summary counting fewer deletes", { @Sendable (plan: inout Plan) in plan.summary.delete -= 1 }, "its summary says 1 to create, 0 to configure, 0 to delete"),
        ("a summary counting no creates", { @Sendable (plan: inout Plan) in plan.summary.create = 0 }, "its changes and warnings are 1 to create"),
        ("a summary counting a warning there is not", { @Sendable (plan: inout Plan) in plan.summary.warnings = 1 }, "1 warnings, its changes"),
        ("a model's facts twice", { @Sendable (plan: inout Plan) in plan.models.append(plan.models[0]) }, "alice/a is listed twice among its models"),
        ("a changed model without facts", { @Sendable (plan: inout Plan) in plan.models = [] }, "it changes alice/a, which is not among its models"),
        ("a changed model said to be suspended", { @Sendable (plan: inout Plan) in plan.models[0].suspended = true }, "it changes alice/a, which it says is suspended"),
    ] as [(String, @Sendable (inout Plan) -> Void, String)])
    func aPlanContradictingItselfIsRefused(_ name: String, _ edit: @Sendable (inout Plan) -> Void, _ message: String) throws {
        var plan = Self.plan([Self.change("alice/a", .create, 30), Self.change("alice/a", .delete, 1, number: 1)])
        #expect(try Plan.decode(from: plan.encodedJSON()) == plan, "the plan as written reads back")
        edit(&plan)
        #expect(performing: { try Plan.decode(from: plan.encodedJSON()) }, throws: { error in
            guard let error = error as? PlanFormatError, case .inconsistent = error else { return false }
            return error.description.contains(message) && error.description.contains("make a new plan")
        })
    }

    /// The latest version a plan's changes leave, worked out again from the live versions before a saved plan
    /// is applied: what the planner states in `latest_after_apply`.
    @Test(arguments: [
        ("creates: the last one", [("alice/a", ChangeAction.create, 30, nil), ("alice/a", .create, 20, nil), ("alice/a", .delete, 2, 2)], [1, 2], nil, 20),
        ("no create, the highest deleted", [("alice/a", .delete, 2, 2)], [1, 2], 1, 1),
        ("configuration only", [("alice/a", .updateConfiguration, 1, 1)], [1, 2], 2, 2),
        ("another model's create", [("alice/b", .create, 40, nil)], [1, 2], 2, 2),
        ("everything deleted", [("alice/a", .delete, 1, 1), ("alice/a", .delete, 2, 2)], [1, 2], nil, nil),
        ("nothing live, nothing created", [("alice/a", .smokeTest, 7, 7)], [], nil, nil),
    ] as [(String, [(ModelID, ChangeAction, Int, Int?)], [Int], Int?, Int?)])
    func theLatestAfterApplyingIsWorkedOutFromTheChanges(
        _ name: String, _ changes: [(ModelID, ChangeAction, Int, Int?)], _ live: [Int], _ number: Int?, _ seed: Int?
    ) {
        let plan = Self.plan(changes.map { Self.change($0.0, $0.1, $0.2, number: $0.3) })
        let versions = live.map { LiveVersion(number: $0, createdAt: "2026-01-01T00:00:0\($0)Z", containerImageDigest: digest($0), releaseNotes: "v") }
        let expected = seed.map { VersionReference(number: number, containerImageDigest: digest($0)) }
        #expect(plan.latestAfterApplying("alice/a", to: versions) == expected)
    }

    @Test func anEmptyPlanHasNoModelChanges() {
        #expect(Self.plan([]).modelChanges.isEmpty)
    }

    @Test func maxDeletesAllowsTheLimitAndRefusesOneMore() {
        let ten = Self.plan((1...10).map { Self.change("alice/a", .delete, $0, number: $0) } + [Self.change("alice/a", .create, 99)])
        #expect(ApplyRails.check(ten, maxDeletes: 10) == nil)
        let refusal = ApplyRails.check(ten, maxDeletes: 9)
        #expect(refusal == .tooManyDeletes(planned: 10, limit: 9))
        #expect(refusal?.description.contains("more than --max-deletes 9") == true)
        #expect(ApplyRails.check(ten, maxDeletes: 0) != nil)
        #expect(ApplyRails.check(Self.plan([Self.change("alice/a", .create, 1)]), maxDeletes: 0) == nil, "creates are not limited")
    }

    @Test func staleRefusalsSayPlanIsStale() {
        let stale = ApplyRails.Refusal.stale([StaleModel(model: "alice/a", planned: "00ff", current: "ff00")])
        #expect(stale.description.hasPrefix("plan is stale"))
        #expect(stale.description.contains("alice/a"))
        let moved = ApplyRails.Refusal.refMoved(ref: "refs/heads/main", planned: "aaa", current: "bbb")
        #expect(moved.description.hasPrefix("plan is stale"))
        #expect(moved.description.contains("nothing was applied"))
    }

    @Test func resultLinesNameTheModelNumberAndShortDigest() {
        let created = ActionResult(
            index: 0, model: "acme/sentiment", action: .create, number: 12,
            containerImageDigest: Digest(stringLiteral: "sha256:ab12" + String(repeating: "0", count: 60)), releaseNotes: nil, outcome: .created)
        #expect(ApplyText.line(created) == "+ created acme/sentiment #12 sha256:ab1200000000…")
        var deleted = created
        deleted.action = .delete
        deleted.outcome = .alreadyDeleted
        #expect(ApplyText.line(deleted).hasPrefix("- deleted acme/sentiment #12 "))
        #expect(ApplyText.line(deleted).hasSuffix("(already gone)"))
        var failed = created
        failed.action = .updateConfiguration
        failed.outcome = .failed
        failed.error = "boom\n\u{1B}[31m"
        #expect(ApplyText.line(failed) == "! failed to configure acme/sentiment #12 sha256:ab1200000000…: boom\\u{a}\\u{1b}[31m")
    }

    @Test func theResultJSONHasAFormatVersionSnakeCaseKeysAndCounts() throws {
        let actions = [
            ActionResult(index: 1, model: "alice/a", action: .delete, number: 1, containerImageDigest: digest(1),
                         releaseNotes: "one", outcome: .alreadyDeleted),
            ActionResult(index: 0, model: "alice/a", action: .create, number: 3, containerImageDigest: digest(3),
                         releaseNotes: "three", outcome: .created),
            ActionResult(index: 2, model: "alice/b", action: .updateConfiguration, number: 2, containerImageDigest: digest(2),
                         releaseNotes: nil, outcome: .failed, error: "nope"),
            ActionResult(index: 3, model: "alice/b", action: .delete, number: 1, containerImageDigest: digest(4),
                         releaseNotes: nil, outcome: .skipped, error: "not attempted"),
        ]
        let result = ApplyResult(revision: Revision(repository: "r", ref: "main", commit: "c"), actions: actions)
        #expect(result.actions.map(\.index) == [0, 1, 2, 3], "results are kept in plan order")
        #expect(result.summary == ApplySummary(actions))
        #expect(result.summary.line == "Apply complete: 1 created, 0 configured, 1 deleted, 1 failed.")
        #expect(result.summary.skipped == 1)
        #expect(!result.succeeded)
        let json = try result.encodedJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["format_version"] as? Int == 1)
        let first = try #require((object["actions"] as? [[String: Any]])?.first)
        #expect(first["container_image_digest"] as? String == digest(3))
        #expect(first["outcome"] as? String == "created")
        let second = try #require((object["actions"] as? [[String: Any]])?[1])
        #expect(second["outcome"] as? String == "already_deleted")
        let third = try #require((object["actions"] as? [[String: Any]])?[2])
        #expect(third["action"] as? String == "update_configuration")
        #expect(try JSONDecoder().decode(ApplyResult.self, from: json) == result)
    }
}
