import ArgumentParser
import Declarations
import Foundation
import GitSource
import WriftAI
import WriftAIModels

/// `wriftsync import`: write declarations that reproduce the live versions, so a team with existing
/// versions can adopt WriftSync with a plan that shows no changes.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write declarations (YAML) reproducing the live versions of models exactly, oldest first.",
        discussion: HelpText.importExamples
    )

    @Argument(help: ArgumentHelp("Models to import.", valueName: "owner/name"))
    var models: [String]

    @Option(name: .long, help: ArgumentHelp("Directory to write into (a declaration per model; large schemas under schemas/).", valueName: "dir"))
    var out: String = "models"

    @Option(name: .long, help: ArgumentHelp("Schemas longer than this (bytes of JSON) go to their own file.", valueName: "bytes"))
    var inlineSchemaLimit: Int = 2048

    @Flag(name: .long, help: "Overwrite files that already exist.")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Cache directory whose API pacing state this process shares with the other commands (default: $XDG_CACHE_HOME/wriftsync, else ~/.cache/wriftsync).", valueName: "dir"))
    var cacheDir: String?

    @OptionGroup var api: APIOptions

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("Name at least one model (OWNER/NAME).") }
        for model in models {
            do { _ = try ModelID(parsing: model) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() async throws {
        let client = try api.makeClient(sharedPacingDirectory: cacheDir ?? GitSourceConfiguration.defaultCacheDirectory())
        let reader = client.readOnly
        var written: [String] = []
        var failure: String?
        // A model named twice is imported once; two named alike are written under their owners' names too.
        var seen: Set<String> = []
        let models = self.models.filter { seen.insert($0).inserted }
        let stems = DeclarationWriter.stems(for: models)
        do {
            for model in models {
                let id = try ModelID(parsing: model)
                var versions: [DeclarationWriter.Version] = []
                for item in try await reader.allVersions(id).collect() {
                    let details = try await reader.version(id, number: item.number)
                    let configuration = try await reader.configuration(id, number: item.number)
                    guard let digest = item.containerImageDigest ?? details.containerImageDigest else {
                        throw ValidationError("\(model):\(item.number) has no container_image_digest; it cannot be declared")
                    }
                    versions.append(.init(number: item.number, containerImageDigest: digest, releaseNotes: item.releaseNotes,
                                          schemas: details.schemas, compatibilities: details.compatibilities, configuration: configuration))
                }
                let header = "Imported by `wriftsync import` from \(api.baseURL): the \(versions.count) live version\(versions.count == 1 ? "" : "s") of \(model), oldest first.\nThe last one is the latest; add new versions at the end."
                for file in try DeclarationWriter.files(model: model, stem: stems[model], versions: versions, inlineLimit: inlineSchemaLimit, header: header) {
                    let path = "\(out)/\(file.path)"
                    if !force && FileManager.default.fileExists(atPath: path) {
                        throw ValidationError("\(path) exists; pass --force to overwrite it")
                    }
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try Data(file.contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                    written.append(path)
                }
                print("imported \(model): \(versions.count) version\(versions.count == 1 ? "" : "s") -> \(out)/\(stems[model] ?? model).yaml")
            }
        } catch {
            failure = "\(error)"
        }
        try? await client.shutdown()
        if let failure {
            printError(failure)
            throw ExitCode.failure
        }
        print("wrote \(written.count) file\(written.count == 1 ? "" : "s"); run `wriftsync plan` to check it shows no changes")
    }
}
