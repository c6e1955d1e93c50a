import ArgumentParser
import Foundation
import Pipeline
import WriftAIModels

/// `wriftsync quarantine`: the digests the release gate keeps from being created again.
struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List or lift the release gate's quarantines (digests whose smoke tests failed).",
        discussion: """
            A version whose smoke tests fail is deleted again and its digest quarantined: apply and run do not \
            create it again while its declaration is unchanged. A commit that changes the declaration (the \
            image, its schemas, configuration or smoke cases) lifts the quarantine; so does `quarantine clear`.

            """ + HelpText.quarantineExamples,
        subcommands: [List.self, Clear.self]
    )

    /// The state directory's flags.
    struct Location: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("Where WriftSync keeps its state (default: the cache directory).", valueName: "dir"))
        var stateDir: String?

        @Option(name: .long, help: ArgumentHelp("The cache directory, whose state is meant when --state-dir is not given.", valueName: "dir"))
        var cacheDir: String?

        var store: ReleaseGateStore {
            ReleaseGateStore(stateDirectory: stateDir ?? cacheDir ?? GitOptions.defaultCacheDirectory)
        }
    }

    struct List: ParsableCommand {
        // Named here: without a name ArgumentParser derives one from the type's name, demangled at every start of
        // every command (it walks the whole command tree): about 1 ms on the way to any command's first request.
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the quarantined digests, and versions created but not tested yet.", discussion: HelpText.quarantineListExamples
        )

        @OptionGroup var location: Location

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() throws {
            let entries: [ReleaseGateStore.Entry]
            do {
                entries = try location.store.entries()
            } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                return
            }
            guard !entries.isEmpty else {
                print("Nothing is quarantined.")
                return
            }
            for entry in entries {
                let what = entry.status == .quarantined ? "quarantined" : "created, not tested yet"
                print("\(entry.model)  \(entry.digest)  \(what) since \(entry.at)")
                if let reason = entry.reason { print("  \(reason)") }
            }
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear",
            abstract: "Lift quarantines: all of them, or those of a model or a digest.", discussion: HelpText.quarantineClearExamples
        )

        @OptionGroup var location: Location

        @Option(name: .long, help: ArgumentHelp("Only this model's.", valueName: "owner/name"))
        var model: String?

        @Option(name: .long, help: ArgumentHelp("Only this digest's.", valueName: "sha256:…"))
        var digest: String?

        func run() throws {
            let onlyModel: ModelID?
            let onlyDigest: Digest?
            do {
                onlyModel = try model.map { text throws(IdentifierError) in try ModelID(parsing: text) }
                onlyDigest = try digest.map { text throws(Digest.Invalid) in try Digest(normalizing: text) }
            } catch {
                printError("\(error)")
                throw ExitCode.validationFailure
            }
            let cleared: [ReleaseGateStore.Entry]
            do {
                cleared = try location.store.clearQuarantines { entry in
                    (onlyModel.map { entry.model == $0 } ?? true) && (onlyDigest.map { entry.digest == $0 } ?? true)
                }
            } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
            if cleared.isEmpty {
                print("No quarantine matched.")
            }
            for entry in cleared {
                print("lifted: \(entry.model) \(entry.digest)")
            }
        }
    }
}
