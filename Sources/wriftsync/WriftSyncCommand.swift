import ArgumentParser
import GitSource

@main
struct WriftSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wriftsync",
        abstract: "GitOps for WriftAI model versions: make the live versions match the ones declared in git.",
        discussion: HelpText.rootExamples,
        version: GitSourceVersion.string,
        subcommands: [SourceCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, RunCommand.self, HistoryCommand.self, QuarantineCommand.self, ImportCommand.self, SchemaCommand.self]
    )
}
