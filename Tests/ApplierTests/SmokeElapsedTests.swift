import Testing
import WriftAIModels
@testable import Pipeline

/// How long a smoke test's prediction took: the server's own account when it gives one, never more than this
/// process saw. The time seen alone counts the pacer and the poll after the end: a prediction of 1.5 s ending
/// within the last poll's interval of a 2 s case was seen at 2.0 s and judged too slow.
@Suite struct SmokeElapsedTests {
    static func prediction(_ status: PredictionStatus, created: String = "2026-12-01T10:00:00.000Z", updated: String?) -> Prediction {
        Prediction(
            id: "p-1", status: status, model: .init(owner: "alice", name: "s", versionNumber: 2), createdAt: created, updatedAt: updated)
    }

    @Test(arguments: [
        ("its own account, within what was seen", prediction(.succeeded, updated: "2026-12-01T10:00:01.500Z"), 2.05, 1.5),
        ("never more than was seen", prediction(.succeeded, updated: "2026-12-01T10:00:09Z"), 2.05, 2.05),
        ("not over: what was seen", prediction(.started, updated: "2026-12-01T10:00:01Z"), 2.05, 2.05),
        ("no end time", prediction(.failed, updated: nil), 2.05, 2.05),
        ("an end before the start", prediction(.succeeded, updated: "2026-12-01T09:59:59Z"), 2.05, 2.05),
        ("times that are not times", prediction(.succeeded, created: "soon", updated: "later"), 2.05, 2.05),
    ] as [(String, Prediction, Double, Double)])
    func elapsed(_ name: String, _ prediction: Prediction, _ seen: Double, _ expected: Double) {
        let elapsed = SmokeGate.elapsed(of: prediction, seen: .milliseconds(Int64(seen * 1000)))
        #expect(elapsed == .milliseconds(Int64(expected * 1000)), "\(name): \(elapsed)")
    }
}
