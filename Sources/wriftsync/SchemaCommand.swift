import ArgumentParser
import Declarations

/// `wriftsync schema`: the JSON Schema of the declaration format, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print a JSON Schema of the declaration format (for editor validation and completion)."
    )

    func run() {
        print(DeclarationSchema.json)
    }
}
