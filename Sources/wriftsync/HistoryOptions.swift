import ArgumentParser
import GitSource
import Notifications

/// Where the history is kept and how much of it, shared by `run`, `apply` and `history`.
struct HistoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory of history.jsonl, the record of every reconcile and apply that changed something, failed or was refused (default: the cache directory).", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Size at which history.jsonl is rotated, in bytes.", valueName: "bytes"))
    var historyMaxSize: Int = 10 << 20

    @Option(name: .long, help: ArgumentHelp("Rotated history files kept (history.jsonl.1 …).", valueName: "n"))
    var historyKeep: Int = 5

    func validate() throws {
        guard historyMaxSize >= 4096 else { throw ValidationError("--history-max-size must be at least 4096 bytes.") }
        guard historyKeep >= 0 else { throw ValidationError("--history-keep must not be negative.") }
    }

    /// The store under `--state-dir`, else the cache directory `cacheDir` (else the default one).
    func store(cacheDir: String?) -> HistoryStore {
        HistoryStore(configuration: .init(
            directory: stateDir ?? cacheDir ?? GitSourceConfiguration.defaultCacheDirectory(), maxFileSize: historyMaxSize, keep: historyKeep
        ))
    }
}
