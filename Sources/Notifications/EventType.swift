/// The kinds of events a reconcile gives, from its stages and its typed failures.
public enum EventType: String, Sendable, Codable, CaseIterable {
    /// Changes declared in git were applied: each action with its model, version number, digest and outcome.
    case applied
    /// A reconcile failed: the stage, the failure class and the message. Sent once per failure, again only
    /// when it changes or after `--notify-repeat`.
    case failed
    /// Reconciles succeed again after a failure (the failure that cleared is named).
    case recovered
    /// A plan warning (its kind and model), such as the latest version not being the last declared one.
    case warning
    /// The live state differs from git, and the reconcile left it so (a dry run, immutable drift, a create
    /// held back): what changed outside git.
    case driftDetected = "drift_detected"
    /// The live state had changed outside git and the reconcile put it back: what had drifted and the actions.
    case driftCorrected = "drift_corrected"
    /// A rail refused the plan (which rail, and why); nothing was applied.
    case refused
    /// A version's smoke tests failed: it was deleted again, its digest quarantined, and the previous version
    /// takes the un-pinned traffic back. Which test, and why.
    case rolledBack = "rolled_back"
    /// Versions with smoke tests were created without running them (`--skip-smoke`, for emergencies).
    case smokeSkipped = "smoke_skipped"
}
