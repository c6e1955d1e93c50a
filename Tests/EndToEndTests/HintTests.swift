import Foundation
import Testing
import WriftSyncTesting

/// The common first mistakes, each answered with what to do: a folder inside a repository as `--repo`, a
/// mistyped command, a usage error, a busy emulator port.
@Suite(.onOwnThreads) struct HintTests {
    @Test func aFolderInsideARepositoryNamesTheRootAndThePathToUse() throws {
        let repository = try TestRepository(files: ["Examples/config-repo/models/a.yaml": ValidateCommandTests.declaration("acme/a")])
        let cache = try TemporaryDirectory("hint")
        let folder = repository.path + "/Examples/config-repo"
        for command in ["validate", "source"] {
            let result = try SourceCommandTests.run([command, "--repo", folder, "--path", "models", "--cache-dir", cache.path])
            #expect(result.status == 1)
            #expect(
                result.stderr == "error: \(folder) is not the root of a git repository: it is a directory inside the repository at \(repository.path). "
                    + "Use --repo \(repository.path) --path Examples/config-repo/models (--path is relative to the repository's root).\n",
                "\(command): \(result.stderr)"
            )
        }
        let fixed = try SourceCommandTests.run(["validate", "--repo", repository.path, "--path", "Examples/config-repo/models", "--cache-dir", cache.path])
        #expect(fixed.status == 0, "the suggestion works: \(fixed.stderr)")
    }

    @Test func aRelativeFolderAndTheDefaultPathAreNamedToo() throws {
        let repository = try TestRepository(files: ["deploy/models/a.yaml": ValidateCommandTests.declaration("acme/a")])
        let cache = try TemporaryDirectory("hint")
        let process = try Launcher.launch(
            SourceCommandTests.executable, ["validate", "--repo", "deploy", "--cache-dir", cache.path], directory: repository.path, standardInput: false
        )
        let text = Launcher.wait(process).stderr
        #expect(process.terminationStatus == 1)
        #expect(text.contains("Use --repo \(repository.path) --path deploy/models (--path is relative"), "\(text)")
    }

    struct CommandCase: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test("a mistyped command is named, with the nearest one", arguments: [
        CommandCase(arguments: ["valdiate", "--repo", "."], message: "Error: Unknown command 'valdiate'. Did you mean 'validate'?"),
        CommandCase(arguments: ["plna"], message: "Error: Unknown command 'plna'. Did you mean 'plan'?"),
        CommandCase(arguments: ["Apply", "--dry-run"], message: "Error: Unknown command 'Apply'. Did you mean 'apply'?"),
        CommandCase(arguments: ["deploy"], message: "Error: Unknown command 'deploy'. The commands: source, validate, plan, apply, run, history, quarantine, import, schema."),
    ])
    func unknownCommand(_ command: CommandCase) throws {
        let result = try SourceCommandTests.run(command.arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(command.message + "\n"), "\(result.stderr)")
        #expect(result.stderr.contains("wriftsync --help"), "the usage hint follows")
    }

    @Test func usageErrorsExit64WithErrorAndTheUsage() throws {
        let missing = try SourceCommandTests.run(["validate"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("Error: Missing expected argument '--repo <url-or-path>'\n"), "\(missing.stderr)")
        #expect(missing.stderr.contains("Usage: wriftsync validate --repo <url-or-path>"))
        let unknown = try SourceCommandTests.run(["plan", "--repo", ".", "--formt", "json"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("Error: Unknown option '--formt'"), "\(unknown.stderr)")
    }

    @Test func aBusyEmulatorPortIsNamed() throws {
        let first = try EmulatorProcess.start([])
        defer { first.kill() }
        let second = try SourceCommandTests.run(["--port", String(first.port)], executable: EmulatorProcess.executable)
        #expect(second.status == 1)
        #expect(
            second.stderr.contains("error: cannot listen on 127.0.0.1:\(first.port): the port is busy (another process is listening on it). "
                + "Stop that process, choose another --port, or pass --port 0 for a free one.\n"),
            "\(second.stderr)"
        )
    }
}
