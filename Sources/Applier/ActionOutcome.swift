/// How one planned change ended.
public enum ActionOutcome: String, Codable, Sendable, CaseIterable {
    /// The version was created (or found created by the client's unknown-outcome resolution).
    case created
    /// The configuration was set.
    case configured
    /// The version was deleted.
    case deleted
    /// The version was already gone: an earlier, interrupted apply (or someone else) deleted it.
    case alreadyDeleted = "already_deleted"
    /// The API call failed; `error` says why.
    case failed
    /// Not attempted: an earlier change of the same model failed, or the apply was stopping.
    case skipped
    /// The version's smoke tests passed (a `smoke_test` change, for a version created earlier).
    case tested
    /// A `smoke_test` change applied with the smoke tests off (`--skip-smoke`, a saved plan): not run, never
    /// reported as passed; the version stays pending, and the next apply with the tests on tests it first.
    case untested
    /// Created (or found created earlier), its smoke tests failed, and it was deleted again: the previous
    /// version takes the un-pinned traffic again, and the digest is quarantined. `error` says which test
    /// failed and how.
    case rolledBack = "rolled_back"

    /// Whether the change is done (the live state has what the change wanted).
    public var isDone: Bool {
        switch self {
        case .created, .configured, .deleted, .alreadyDeleted, .tested, .untested: true
        case .failed, .skipped, .rolledBack: false
        }
    }
}
