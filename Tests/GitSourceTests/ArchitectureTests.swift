import Foundation
import Testing

/// The module graph the README promises: one pipeline that every front end calls, and no reconcile logic in
/// a front end. Checked on the sources, since a stray import compiles fine.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func source(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func imports(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line in
            line.hasPrefix("import ") ? String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces) : nil
        })
    }

    @Test(arguments: ["PlanCommand", "ValidateCommand", "ApplyCommand"])
    func commandsThatPlanOrApplyReachThePipelineNotTheController(_ command: String) throws {
        let text = try Self.source("Sources/wriftsync/\(command).swift")
        let imports = Self.imports(text)
        #expect(!imports.contains("Controller"), "\(command) imports Controller")
        #expect(!imports.contains("LiveState") && !imports.contains("GitSource"), "\(command) reads git or the API itself")
        #expect(imports.contains("Pipeline"))
    }

    @Test func applyAndTheControllerPlanAndApplyThroughTheSamePipelineFunctions() throws {
        let apply = try Self.source("Sources/wriftsync/ApplyCommand.swift")
        let reconciler = try Self.source("Sources/Pipeline/PipelineReconciler.swift")
        for call in [".makePlan(", ".check(", ".apply("] {
            #expect(apply.contains(call), "apply calls the pipeline's \(call)")
            #expect(reconciler.contains("pipeline\(call)"), "the controller's reconcile calls the pipeline's \(call)")
        }
        let controller = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources/Controller").path)
        for file in controller where file.hasSuffix(".swift") {
            let imports = Self.imports(try Self.source("Sources/Controller/\(file)"))
            #expect(imports.isDisjoint(with: ["GitSource", "LiveState", "Declarations"]), "Controller/\(file) reaches below the pipeline")
        }
    }
}
