import Foundation
import Logging
import Metrics
import Notifications

extension NotifyOptions {
    /// The recorder `run` and `apply` hand each finished reconcile to: the sinks these flags name and the
    /// history the history flags keep. `repository` replaces `--repo` for a saved plan applied without it.
    func recorder(
        git: GitOptions, history: HistoryOptions, repository: String? = nil, metricsFactory: (any MetricsFactory)? = nil
    ) throws -> ReconcileRecorder {
        let logger = Logger(label: "wriftsync.notify")
        let source = EventSource(repository: repository ?? git.displayRepository, ref: git.ref, path: git.path)
        let notifier = try notifier(repository: source.repository, path: source.path, metricsFactory: metricsFactory, logger: logger)
        return ReconcileRecorder(source: source, history: history.store(in: git.stateDirectory), notifier: notifier, repeatAfter: repeatAfter, logger: logger)
    }
}
