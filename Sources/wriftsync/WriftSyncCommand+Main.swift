import ArgumentParser
import Declarations
import Foundation
import GitSource
import WriftAI

extension WriftSyncCommand {
    /// The entry point: ArgumentParser's, after a check of the command name. The root command takes no
    /// argument of its own, so without the check `wriftsync valdiate --repo .` would be refused for its first
    /// flag (`Unknown option '--repo'`) rather than for the mistyped command.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = Self.unknownCommand(arguments) {
            Self.exit(withError: ValidationError(message))
        }
        // Nearly every command reads git and declarations, and most make an API client: the client's first-use
        // costs, libgit2's set-up and the YAML parser's first use are paid on a thread of their own, in the order
        // they are needed, while the arguments are parsed.
        if let command = arguments.first, !command.hasPrefix("-"), command != "help" {
            let makesClient = Self.commandsWithAPIClient.contains(command)
            GitLibrary.prepareForBackgroundInitialisation()
            Thread {
                if makesClient { WriftAIClient.warmUp() }
                GitLibrary.initialise()
                DeclarationLoader.warmUp()
            }.start()
        }
        await Self.main(arguments)
    }

    /// The commands that make an API client (and warm its first use up at start-up).
    static let commandsWithAPIClient: Set<String> = ["plan", "apply", "run", "import"]

    /// Why `arguments` do not start with a known command (with the nearest one), or `nil` when they do, or
    /// start with a flag (`--help`, `--version`) for ArgumentParser to handle.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        if let nearest = KeySuggestion.closest(to: first, among: names) {
            return "Unknown command '\(first)'. Did you mean '\(nearest)'?"
        }
        return "Unknown command '\(first)'. The commands: \(names.filter { $0 != "help" }.joined(separator: ", "))."
    }
}
