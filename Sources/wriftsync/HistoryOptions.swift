import ArgumentParser
import Notifications

/// How much history is kept, shared by `run` and `apply` (the history lives in `--state-dir`, with the
/// release gate's state).
struct HistoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Size at which history.jsonl is rotated, in bytes.", valueName: "bytes"))
    var historyMaxSize: Int = 10 << 20

    @Option(name: .long, help: ArgumentHelp("Rotated history files kept (history.jsonl.1 …).", valueName: "n"))
    var historyKeep: Int = 5

    func validate() throws {
        guard historyMaxSize >= 4096 else { throw ValidationError("--history-max-size must be at least 4096 bytes.") }
        guard historyKeep >= 0 else { throw ValidationError("--history-keep must not be negative.") }
    }

    /// The store in `directory` (`--state-dir`, else the cache directory).
    func store(in directory: String) -> HistoryStore {
        HistoryStore(configuration: .init(directory: directory, maxFileSize: historyMaxSize, keep: historyKeep))
    }
}
