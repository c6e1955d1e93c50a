import Applier
import Foundation
import GitSource
import Logging
import Notifications
import Pipeline
import Planner
import Synchronization

/// What one `apply` went through — the plan, the snapshot it came from, the result, the failure — gathered
/// as it happens, so that the end can hand the recorder the same report `run` produces.
final class ApplyCapture: Sendable {
    private struct State {
        var plan: Plan?
        var snapshot: Snapshot?
        var result: ApplyResult?
        var failure: ReconcileFailure?
    }

    private let state = Mutex(State())
    /// `--skip-smoke` was given.
    let smokeSkipped: Bool
    /// The history the record goes to, `nil` when none is kept (or for a preview).
    let history: HistoryStore?
    /// The actions of the changes, encoded for the history record as they complete.
    let encodedActions = EncodedActions()
    /// The commit's details, read while the changes are sent.
    private let details = Mutex<Task<CommitDetails?, Never>?>(nil)
    /// Whether ``prepareRecord()`` has run.
    private let prepared = Atomic<Bool>(false)

    init(smokeSkipped: Bool = false, history: HistoryStore? = nil) {
        self.smokeSkipped = smokeSkipped
        self.history = history
    }

    /// Starts, before the first change, what the record needs from disk — the commit's details and the
    /// history's files — so that the record at the end only encodes and writes (with the actions encoded as
    /// they complete, an apply's end after its last answer went from 16–17 to 10–12 ms). Once: later calls
    /// do nothing.
    func prepareRecord() {
        guard let history, !prepared.exchange(true, ordering: .relaxed) else { return }
        if let snapshot {
            details.withLock { $0 = Task { await snapshot.commitDetails() } }
        }
        Thread {
            lowerThisThreadsPriority()
            try? history.prepare()
        }.start()
    }

    /// Takes in one completed change: its action is encoded now for the record.
    func completed(_ result: ActionResult) {
        guard history != nil else { return }
        encodedActions.add(ReconcileEvent.Action(result))
    }

    /// The commit's details read by ``prepareRecord()``, `nil` when it did not start or they could not be read.
    func commitDetails() async -> CommitDetails? {
        guard let task = details.withLock({ $0 }) else { return nil }
        return await task.value
    }

    var plan: Plan? {
        get { state.withLock { $0.plan } }
        set { state.withLock { $0.plan = newValue } }
    }

    var snapshot: Snapshot? {
        get { state.withLock { $0.snapshot } }
        set { state.withLock { $0.snapshot = newValue } }
    }

    var result: ApplyResult? {
        get { state.withLock { $0.result } }
        set { state.withLock { $0.result = newValue } }
    }

    var failure: ReconcileFailure? {
        get { state.withLock { $0.failure } }
        set { state.withLock { $0.failure = newValue } }
    }

    /// The report of the apply, or `nil` when it neither reached a plan nor failed in a stage (a cancelled
    /// prompt, an unreadable plan file).
    func report() -> ReconcileReport? {
        let state = state.withLock { $0 }
        guard state.plan != nil || state.failure != nil else { return nil }
        let plan = state.plan
        var report = ReconcileReport(
            commit: plan?.revision.commit ?? state.snapshot?.commit.hex, failure: state.failure, planned: plan.map(ChangeCounts.init),
            plannedModels: plan?.models.map(\.model) ?? [], changedModels: Array(Set(plan?.changes.map(\.model) ?? [])).sorted(),
            warnings: plan?.warnings ?? [], applied: state.result?.actions.count { $0.outcome.isDone } ?? 0, plan: plan,
            applyResult: state.result
        )
        report.snapshot = state.snapshot
        report.smokeSkipped = smokeSkipped && state.result != nil && plan?.changes.contains { $0.gate != nil } == true
        return report
    }

    /// `recorder`, or — for a saved plan applied without `--repo` — one naming the plan's repository and ref.
    func recorder(_ recorder: ReconcileRecorder, git: GitOptions) -> ReconcileRecorder {
        guard git.repo == nil, let revision = plan?.revision else { return recorder }
        return ReconcileRecorder(
            source: EventSource(repository: revision.repository, ref: revision.ref, path: recorder.source.path),
            history: recorder.history, notifier: recorder.notifier, logger: Logger(label: "wriftsync.notify")
        )
    }
}
