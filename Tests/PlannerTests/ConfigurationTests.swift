import Planner
import Testing
import WriftAIModels
import WriftSyncTesting

@Suite("Planner: update_configuration")
struct ConfigurationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var declared: VersionConfiguration?
        var live: VersionConfiguration?
        /// The expected reason, or nil when nothing should be planned.
        var reason: String?
    }

    static let cases: [Case] = [
        .init(testDescription: "same configuration: nothing", declared: Fixture.gpu, live: Fixture.gpu, reason: nil),
        .init(
            testDescription: "variables in another order: nothing",
            declared: Fixture.gpu,
            live: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["WANDB_KEY", "HF_TOKEN"]),
            reason: nil
        ),
        .init(
            testDescription: "other hardware",
            declared: Fixture.gpu,
            live: VersionConfiguration(hardwareIdentifier: "cpu-small", variableNames: ["HF_TOKEN", "WANDB_KEY"]),
            reason: "configuration differs: hardware cpu-small → gpu-a100"
        ),
        .init(
            testDescription: "other variables",
            declared: Fixture.gpu,
            live: VersionConfiguration(hardwareIdentifier: "gpu-a100", variableNames: ["HF_TOKEN"]),
            reason: "configuration differs: variables [HF_TOKEN] → [HF_TOKEN, WANDB_KEY]"
        ),
        .init(
            testDescription: "both differ",
            declared: Fixture.gpu,
            live: VersionConfiguration(hardwareIdentifier: "cpu-small", variableNames: []),
            reason: "configuration differs: hardware cpu-small → gpu-a100, variables [] → [HF_TOKEN, WANDB_KEY]"
        ),
        .init(
            testDescription: "live configuration unknown: planned, saying so",
            declared: Fixture.gpu,
            live: nil,
            reason: "live configuration unknown (not observed); setting hardware gpu-a100, variables [HF_TOKEN, WANDB_KEY]"
        ),
        .init(
            testDescription: "no declared configuration: the live one is left alone",
            declared: nil,
            live: VersionConfiguration(hardwareIdentifier: "cpu-small", variableNames: []),
            reason: nil
        ),
    ]

    @Test("a declared configuration is applied to a matched version only when it differs", arguments: cases)
    func configurationUpdate(_ testCase: Case) throws {
        let plan = Fixture.plan(
            Fixture.declaration([Fixture.declared(1, configuration: testCase.declared)]),
            live: [Fixture.live(4, 1, configuration: testCase.live)]
        )
        guard let reason = testCase.reason else {
            #expect(plan.changes.isEmpty)
            #expect(plan.summary.unchanged == 1)
            return
        }
        let change = try #require(plan.changes.only)
        #expect(change.action == .updateConfiguration)
        #expect(change.number == 4)
        #expect(change.digest == repeatedDigest(1) as Digest)
        #expect(change.configurationChange?.to == testCase.declared)
        #expect(change.configurationChange?.from == testCase.live)
        #expect(change.reason == reason)
        #expect(plan.summary.unchanged == 0)
    }
}
