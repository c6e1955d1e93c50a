import Applier
import Foundation
import Planner
import Testing
import WriftAI
import WriftAIEmulator
import WriftAIModels
import WriftSyncTesting
@testable import Pipeline

/// The release gate's own bounds and records: how long a test may take, and what becomes of a quarantine that
/// cannot be written.
@Suite struct SmokeGateTests {
    /// A saved plan is read as given: its `max_seconds` may be anything JSON can write.
    @Test("a test's time limit is its max_seconds, at most the timeout", arguments: [
        (2.5, 300.0, 2_500.0),
        (0.0004, 300.0, 1.0),
        (1e300, 300.0, 300_000.0),
        (Double.greatestFiniteMagnitude, 0.5, 500.0),
        (Double.infinity, 300.0, 300_000.0),
        (Double.nan, 300.0, 300_000.0),
        (0, 300.0, 300_000.0),
        (-5, 300.0, 300_000.0),
        (600, 300.0, 300_000.0),
    ] as [(Double, Double, Double)])
    func limit(_ maxSeconds: Double, _ timeoutSeconds: Double, _ milliseconds: Double) {
        let timeout = Duration.milliseconds(Int64(timeoutSeconds * 1000))
        #expect(SmokeGate.limit(maxSeconds: maxSeconds, timeout: timeout) == .milliseconds(Int64(milliseconds)))
    }

    /// A quarantine that could not be written was only logged: the applier then said the digest was kept out.
    @Test func aQuarantineThatCannotBeWrittenIsReturned() async throws {
        let directory = try TemporaryDirectory("gate-unwritable")
        // A file where the state directory should be: nothing can be written under it, whoever runs the test.
        let blocked = directory.path + "/state"
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: blocked))
        try await GateOutcomeTests.withSmokedCreatePlanned { _, client, plan in
            let change = try #require(plan.changes.first { $0.action == .create })
            let failure = GateFailure(test: "smoke case 1", reason: "prediction p-1 ended failed")
            let broken = SmokeGate(client: client, store: ReleaseGateStore(stateDirectory: blocked), logger: Fixture.quiet)
            let refusal = await broken.failed(change, number: 2, failure: failure, rolledBack: true)
            #expect(refusal?.contains(blocked) == true, "\(String(describing: refusal))")
            let store = ReleaseGateStore(stateDirectory: directory.path + "/ok")
            let recorded = await SmokeGate(client: client, store: store, logger: Fixture.quiet).failed(change, number: 2, failure: failure, rolledBack: true)
            #expect(recorded == nil)
            #expect(try store.entries().map(\.number) == [2])
        }
    }
}
