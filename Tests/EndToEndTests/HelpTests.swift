import Foundation
import Testing
import WriftSyncTesting

/// What `--help` and `--version` say, for every command of both executables.
@Suite(.onOwnThreads) struct HelpTests {
    static let subcommands = ["source", "validate", "plan", "apply", "run", "history", "quarantine", "quarantine list", "quarantine clear", "import", "schema"]

    static func help(_ arguments: [String], executable: String = SourceCommandTests.executable) throws -> String {
        let result = try SourceCommandTests.run(arguments + ["--help"], executable: executable)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    @Test("every command's help ends with examples of itself", arguments: subcommands)
    func examples(_ command: String) throws {
        let text = try Self.help(command.split(separator: " ").map(String.init))
        let examples = try #require(text.range(of: "EXAMPLES:\n"), "\(command) --help has no EXAMPLES section:\n\(text)")
        let lines = text[examples.upperBound...].split(separator: "\n").filter { $0.hasPrefix("  wriftsync ") }
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("  wriftsync \(command) ") })
    }

    /// A command that leaves at once (its help, a refused flag) while its start-up work still runs on another
    /// thread leaves cleanly. That thread initialises libcrypto (libssh2, in libgit2's set-up) and hashes (the
    /// API client's warm-up). While the warm-up hashed after libgit2's set-up, `schema --help` crashed in
    /// `exit` (SIGSEGV) in most runs here: libcrypto's exit-time clean-up freed its tables under that thread.
    /// libcrypto is now initialised without that clean-up, so the order of the start-up work cannot bring
    /// the crash back; this keeps watch over both kinds of early exit.
    @Test func leavingAtOnceWhileStartUpWorkRunsNeverCrashes() throws {
        for round in 1...20 {
            let help = try SourceCommandTests.run(["schema", "--help"])
            #expect(help.status == 0, "round \(round): \(help.stderr.prefix(400))")
            let refused = try SourceCommandTests.run(["plan", "--no-such-flag"])
            #expect(refused.status == 64, "round \(round): \(refused.stderr.prefix(400))")
        }
    }

    @Test func theRootHelpHasExamplesToo() throws {
        let text = try Self.help([])
        #expect(text.contains("EXAMPLES:\n  wriftsync validate --repo . --path models --worktree\n"), "\(text)")
    }

    @Test func theEmulatorsHelpHasExamplesAndLowercasePlaceholders() throws {
        let text = try Self.help([], executable: EmulatorProcess.executable)
        #expect(text.contains("EXAMPLES:"))
        #expect(text.contains("wriftai-emulator --port 8080 --token acme=demo-acme-token"))
        // Placeholders are lowercase, as in wriftsync's help: <file>, <user=token>, <owner/name>.
        let placeholders = text.matches(of: /<[^>\n]+>/).map { String($0.output) }
        #expect(!placeholders.isEmpty)
        #expect(placeholders.allSatisfy { $0 == $0.lowercased() }, "\(placeholders)")
        #expect(placeholders.contains("<user=token>") && placeholders.contains("<file>") && placeholders.contains("<owner/name>"))
    }

    @Test func bothExecutablesPrintTheSameVersion() throws {
        let wriftsync = try SourceCommandTests.run(["--version"])
        let emulator = try SourceCommandTests.run(["--version"], executable: EmulatorProcess.executable)
        #expect(wriftsync.status == 0 && emulator.status == 0)
        #expect(!wriftsync.stdout.isEmpty)
        #expect(emulator.stdout == wriftsync.stdout)
    }

    @Test("--repo's help speaks of --plan only where there is one", arguments: ["source", "validate", "plan", "apply", "run"])
    func repoHelp(_ command: String) throws {
        let text = try Self.help([command])
        let usage = try #require(text.split(separator: "\n").first { $0.hasPrefix("USAGE: ") })
        #expect(usage.hasPrefix("USAGE: wriftsync \(command) --repo <url-or-path>"), "required in the usage line: \(usage)")
        // The option's entry: its line and the wrapped lines of its description, up to the next option.
        let lines = text.split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("  --repo <url-or-path>") })
        let entry = lines[start...].prefix { $0 == lines[start] || !$0.hasPrefix("  -") }
        let words = entry.joined(separator: " ").split(separator: " ").joined(separator: " ")
        #expect(words.contains("or the path of a local repository (its root: a folder inside one goes in --path)"), "\(words)")
        #expect(!words.contains("--plan"), "\(command): \(words)")
    }

    @Test func schemaOutWritesTheFileTheExampleRepositoryShips() throws {
        let directory = try TemporaryDirectory("schema")
        let out = directory.path + "/schema.json"
        let result = try SourceCommandTests.run(["schema", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let written = try #require(FileManager.default.contents(atPath: out))
        let printed = try SourceCommandTests.run(["schema"])
        #expect(written == Data(printed.stdout.utf8))
        let shipped = try #require(FileManager.default.contents(atPath: DocsTests.root + "/Examples/config-repo/wriftsync-declaration.schema.json"))
        #expect(written == shipped, "regenerate it: wriftsync schema --out Examples/config-repo/wriftsync-declaration.schema.json")
    }
}
