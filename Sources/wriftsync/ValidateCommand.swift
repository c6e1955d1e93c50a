import ArgumentParser
import Foundation
import Pipeline

/// `wriftsync validate`: check every declaration offline, reporting every problem at once.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the declarations under --path (offline: no API calls); print every problem as file:line:column: message.",
        usage: HelpText.validateUsage,
        discussion: HelpText.validateExamples
    )

    @OptionGroup var git: GitOptions
    @OptionGroup var worktree: WorktreeOption

    func validate() throws {
        try git.requireRepository()
        try worktree.check(git)
    }

    func run() async throws {
        let pipeline: ReconcilePipeline
        do {
            pipeline = try git.pipeline()
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        let snapshot: Snapshot
        do {
            snapshot = try await worktree.snapshot(pipeline, path: git.path)
        } catch {
            error.print()
            throw ExitCode.failure
        }
        do {
            let loaded = try await pipeline.load(snapshot)
            let (models, versions, files) = (loaded.models.count, loaded.versionCount, loaded.fileCount)
            print("valid: \(models) model\(models == 1 ? "" : "s"), \(versions) version\(versions == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s") under \(git.path) \(snapshot.place)")
        } catch {
            for problem in error.problems {
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            if case .invalidDeclarations = error.cause {
                let files = Set(error.problems.map(\.location.file)).count
                let count = error.problems.count
                printError("\(count) problem\(count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s") \(snapshot.place); nothing can be planned until they are fixed")
            } else {
                printError(error.description)
            }
            throw ExitCode.failure
        }
    }
}
