import ArgumentParser
import Declarations
import Foundation

/// `wriftsync schema`: the JSON Schema of the declaration format, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema of the declaration format (for editor validation and completion).",
        discussion: """
            With the first line of a declaration file `# yaml-language-server: $schema=PATH` (relative to the file), \
            editors using the YAML language server validate and complete declarations as they are typed. The loader's \
            checks stay the authority: `wriftsync validate` reports everything the schema does, and more.

            """ + HelpText.schemaExamples
    )

    @Option(name: .long, help: ArgumentHelp("Write the schema to this file instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        let text = DeclarationSchema.json + "\n"
        guard let out else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            printError("cannot write the schema to \(out): \(error.localizedDescription)")
            throw ExitCode.failure
        }
    }
}
