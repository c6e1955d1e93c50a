import ArgumentParser
import Controller
import Declarations
import Foundation
import GitSource

/// `wriftsync validate`: check every declaration offline, reporting every problem at once.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the declarations under --path (offline: no API calls); print every problem as file:line:column: message."
    )

    @OptionGroup var git: GitOptions

    func validate() throws {
        try git.requireRepository()
    }

    func run() throws {
        let source: DeclarationSource
        do {
            source = try DeclarationSource(git: git)
        } catch let error as GitSourceError {
            printError(error.description)
            throw ExitCode.failure
        }
        switch source.result {
        case let .success(models):
            let versions = models.reduce(0) { $0 + $1.versions.count }
            print("valid: \(models.count) model\(models.count == 1 ? "" : "s"), \(versions) version\(versions == 1 ? "" : "s") in \(source.files.count) file\(source.files.count == 1 ? "" : "s") under \(git.path) at \(source.revision)")
        case let .failure(errors):
            for diagnostic in errors.diagnostics {
                FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
            }
            let files = Set(errors.diagnostics.map(\.location.file)).count
            printError("\(errors.diagnostics.count) problem\(errors.diagnostics.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s") at \(source.revision); nothing can be planned until they are fixed")
            throw ExitCode.failure
        }
    }
}
