/// What started a reconcile: told in the history and in every event, so that "why did this run" has an answer.
public enum ReconcileTrigger: String, Sendable, Codable, CaseIterable {
    /// The first reconcile of `run` (and `run --once`).
    case start
    /// A tick of `--interval`: the repository is fetched, and a new commit reconciled.
    case tick
    /// The full reconcile every `--drift-interval`, which corrects changes made outside git.
    case driftInterval = "drift_interval"
    /// A correctly signed `POST /hooks/git`.
    case webhook
    /// A retry with backoff after a transient or partial failure.
    case retry
    /// `wriftsync apply`, by a person or a CI job.
    case cli
}
