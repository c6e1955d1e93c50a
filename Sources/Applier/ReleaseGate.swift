import Planner

/// The release gate as the applier drives it: told before a version with smoke tests is created, asked to
/// test it once it exists, told how that ended. The pipeline provides it (predictions through the API, its
/// state on disk); `--skip-smoke` and dry runs apply without one.
public protocol ReleaseGate: Sendable {
    /// `change`'s version is about to be created and will not be tested yet: if the apply stops before
    /// ``test(_:number:)`` ends, the next apply tests it before anything else of the model. Returns why it
    /// must not be created (it cannot be recorded, or its digest was quarantined since the plan was made),
    /// if so: the version is then not created.
    func willCreate(_ change: PlannedChange) async -> String?
    /// Runs `change.smoke` on version `number` of the model: `nil` when every test passed, otherwise why the
    /// first failing one did.
    func test(_ change: PlannedChange, number: Int) async -> GateFailure?
    /// The tests passed: the version is released.
    func passed(_ change: PlannedChange) async
    /// The tests of version `number` failed and it was deleted again (`rolledBack`), or could not be: its
    /// digest is quarantined, not created again while its declaration is unchanged, and a version `number`
    /// still live is deleted by the next apply (that one only: not another copy of the digest). Returns why the
    /// quarantine could not be recorded, if so: the apply then says the digest is not kept out.
    func failed(_ change: PlannedChange, number: Int, failure: GateFailure, rolledBack: Bool) async -> String?
}

/// Why a smoke test failed: the test, and what happened (the prediction id, its status, or the output's
/// schema error).
public struct GateFailure: Sendable, Equatable, CustomStringConvertible {
    /// `smoke case 1 (models/a.yaml:14:9)`.
    public var test: String
    /// `prediction 3f2a… ended failed: CUDA out of memory (model error)`.
    public var reason: String
    /// Whether the tests could not be run to a verdict (the API failing, a rate limit, the deadline): nothing
    /// is known of the version, which is then neither rolled back nor quarantined but kept untested, and
    /// tested by the next apply before anything else of its model.
    public var undetermined: Bool

    public init(test: String, reason: String, undetermined: Bool = false) {
        self.test = test
        self.reason = reason
        self.undetermined = undetermined
    }

    public var description: String { undetermined ? "\(test) could not be run: \(reason)" : "\(test) failed: \(reason)" }
}
