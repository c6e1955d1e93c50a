import Foundation
import Logging
import Metrics
import Notifications

extension NotifyOptions {
    /// The recorder `run` and `apply` hand each finished reconcile to: the sinks these flags name and the
    /// history the history flags keep. `repository` replaces `--repo` for a saved plan applied without it.
    /// The recorder of a command; with `remembering`, what it sent is kept in `notifications.json` under the state
    /// directory for the next process (`run --once`).
    func recorder(
        git: GitOptions, history: HistoryOptions, repository: String? = nil, metricsFactory: (any MetricsFactory)? = nil,
        remembering: Bool = false
    ) throws -> ReconcileRecorder {
        let logger = Logger(label: "wriftsync.notify")
        let source = EventSource(repository: repository ?? git.displayRepository, ref: git.ref, path: git.path)
        let notifier = try notifier(repository: source.repository, path: source.path, metricsFactory: metricsFactory, logger: logger)
        return ReconcileRecorder(
            source: source, history: history.store(in: git.stateDirectory), notifier: notifier, repeatAfter: repeatAfter,
            memoryPath: remembering ? git.stateDirectory + "/notifications.json" : nil, logger: logger
        )
    }
}
