import ArgumentParser
import Foundation
import GitSource
import Notifications

/// `wriftsync history`: what `run` and `apply` did, from history.jsonl.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show what run and apply did: every reconcile that changed something, failed or was refused.",
        discussion: """
            Reads history.jsonl (and its rotated files) under --state-dir, else the cache directory — the same \
            flags run and apply were given. Records are printed oldest first; --limit keeps the newest N. \
            --model owner/name answers "which commit created #12": the records with its changes, warnings, \
            drift or failures (a failure of a whole reconcile concerns every model). A line torn by a crash is \
            skipped, with a note on stderr.

            """ + HelpText.historyExamples
    )

    @Option(name: .long, help: ArgumentHelp("Directory of history.jsonl, as run and apply were given it (default: the cache directory).", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Where run and apply cached (default: $XDG_CACHE_HOME/wriftsync, else ~/.cache/wriftsync).", valueName: "dir"))
    var cacheDir: String?

    @Option(name: .long, help: ArgumentHelp("Only the records concerning this model.", valueName: "owner/name"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Only records from this time on: 2026-11-30T08:00:00Z, 2026-11-30, or an age (30m, 24h, 7d).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("At most this many records, the newest.", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: "Output format: text, or json ({\"format_version\":1,\"records\":[…]}).")
    var format: HistoryFormat = .text

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more.") }
        if let since, HistoryTime.parse(since, now: Date()) == nil {
            throw ValidationError("--since takes a time (2026-11-30T08:00:00Z, 2026-11-30) or an age (30m, 24h, 7d).")
        }
    }

    func run() async throws {
        let store = HistoryStore(configuration: .init(directory: stateDir ?? cacheDir ?? GitSourceConfiguration.defaultCacheDirectory()))
        let query = HistoryQuery(model: model, since: since.flatMap { HistoryTime.parse($0, now: Date()) }, limit: limit)
        let read: HistoryStore.Read
        do {
            read = try store.read(query)
        } catch {
            printError(error.description)
            throw ExitCode.failure
        }
        if read.skippedLines > 0 {
            note("\(read.skippedLines) line\(read.skippedLines == 1 ? "" : "s") of \(store.path) (or its rotated files) could not be read and were skipped (a line torn by a crash, or not a record)")
        }
        switch format {
        case .json:
            FileHandle.standardOutput.write(HistoryJSON.document(read.records))
        case .text:
            if store.files.isEmpty {
                note("no history yet at \(store.path)")
            } else if read.records.isEmpty {
                note("no records match")
            }
            FileHandle.standardOutput.write(Data(HistoryText.render(read.records, model: model).utf8))
        }
    }
}

/// A line for people on stderr, so that stdout stays the records.
private func note(_ line: String) {
    FileHandle.standardError.write(Data("note: \(line)\n".utf8))
}

/// The formats of `wriftsync history --format`.
enum HistoryFormat: String, ExpressibleByArgument, CaseIterable {
    /// A line per record, a line per change under it.
    case text
    /// `{"format_version":1,"records":[…]}`, records oldest first.
    case json
}
