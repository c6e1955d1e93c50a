import Foundation
import Testing
import WriftSyncTesting

/// The module graph the README promises: one pipeline that every front end calls, and no reconcile logic in
/// a front end; and the tests' own layout: only this target runs the executables, and the testing library
/// stays out of Sources. Checked on the sources, since a stray import compiles fine.
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

    /// Each source target's local dependencies in `Package.swift`: the quoted names in its `dependencies: […]`
    /// that are targets of the package (products of other packages are `.product(…)` and left out).
    static func packageGraph() throws -> [String: Set<String>] {
        let manifest = try source("Package.swift")
        let targetPattern = /\.(?:target|executableTarget|systemLibrary)\(\s*name: "([^"]+)"/
        let names = Set(manifest.matches(of: targetPattern).map { String($0.1) })
        var graph: [String: Set<String>] = [:]
        for match in manifest.matches(of: targetPattern) {
            let name = String(match.1)
            let rest = manifest[match.range.upperBound...]
            // The target's own arguments end where the next target starts.
            let end = rest.firstMatch(of: targetPattern)?.range.lowerBound ?? rest.endIndex
            let body = rest[..<end]
            var dependencies: Set<String> = []
            if let list = body.firstMatch(of: /dependencies: \[([^\]]*)\]/) {
                let local = String(list.1).replacing(/\.product\([^)]*\)/, with: "")
                for quoted in local.matches(of: /"([^"]+)"/) where names.contains(String(quoted.1)) {
                    dependencies.insert(String(quoted.1))
                }
            }
            graph[name] = dependencies
        }
        return graph
    }

    /// The README's module table: module → the modules its "may import" column names.
    static func readmeGraph() throws -> [String: Set<String>] {
        let readme = try source("README.md")
        let section = try #require(readme.firstRange(of: "## Architecture").map { readme[$0.upperBound...] })
        let body = section[..<(section.firstRange(of: "\n## ")?.lowerBound ?? section.endIndex)]
        var graph: [String: Set<String>] = [:]
        for line in body.split(separator: "\n") {
            guard let row = line.wholeMatch(of: /\| `([^`]+)` \| .* \| ([^|]*) \|/) else { continue }
            let imports = row.2.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "—" && !$0.isEmpty }
            graph[String(row.1)] = Set(imports)
        }
        return graph
    }

    @Test func theReadmeModuleGraphIsPackageSwifts() throws {
        let package = try Self.packageGraph()
        let readme = try Self.readmeGraph()
        let sourceTargets = Set(try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path))
        #expect(Set(readme.keys) == sourceTargets, "one README line per module of Sources/")
        for target in sourceTargets.sorted() {
            #expect(readme[target] == package[target], "\(target): README says \(readme[target]?.sorted() ?? []), Package.swift \(package[target]?.sorted() ?? [])")
        }
    }

    /// A module imports only what its target declares: the graph the README shows is the one the code uses.
    @Test func everyImportOfAModuleIsADeclaredDependency() throws {
        let package = try Self.packageGraph()
        let local = Set(package.keys)
        let sources = Self.root.appendingPathComponent("Sources")
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let files = FileManager.default.enumerator(atPath: sources.appendingPathComponent(target).path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                let imported = Self.imports(try Self.source("Sources/\(target)/\(file)"))
                    .map { $0.replacingOccurrences(of: "@preconcurrency ", with: "") }
                for module in imported where local.contains(module) {
                    #expect(package[target]?.contains(module) == true, "Sources/\(target)/\(file) imports \(module), which \(target) does not declare")
                }
            }
        }
        #expect(package["Planner"]?.isDisjoint(with: ["GitSource", "WriftAI", "LiveState"]) == true, "the planner knows neither git nor HTTP")
        #expect(package["LiveState"]?.isDisjoint(with: ["Declarations", "Planner"]) == true, "the live-state reader takes a query, not declarations")
        #expect(package["Applier"]?.contains("Declarations") == false, "the applier runs plans, it does not read declarations")
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

    // MARK: - The tests' own layout

    /// What reaches the built executables: their paths (``BuildProducts``), the directory they are built in,
    /// and their names as path components.
    static let executableMarkers = [
        "BuildProducts.wriftsync", "BuildProducts.emulator", "BuildProducts.directory", "/proc/self/exe",
        #""wriftsync""#, #""wriftai-emulator""#,
    ]

    /// Every Swift file under `directory` (relative to the root), with its text.
    static func swiftFiles(under directory: String) throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent(directory)
        let enumerator = try #require(FileManager.default.enumerator(atPath: base.path))
        return try enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { relative in
            (directory + "/" + relative, try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8))
        }
    }

    /// A test of a module runs it in process; only EndToEndTests runs `wriftsync` or `wriftai-emulator` as a
    /// process. Checked on the test sources: a file elsewhere that reaches the executables fails, named (the
    /// one exception, the testing library's `Launcher.swift`, is where their paths are defined).
    @Test func onlyTheEndToEndTargetLaunchesTheBuiltExecutables() throws {
        let files = try Self.swiftFiles(under: "Tests")
        let endToEnd = files.filter { $0.path.hasPrefix("Tests/EndToEndTests/") && !$0.path.hasSuffix("/ArchitectureTests.swift") }
        #expect(endToEnd.contains { file in Self.executableMarkers.contains { file.text.contains($0) } }, "the markers find the end-to-end tests' own launches")
        var offenders: [String] = []
        for file in files where !file.path.hasPrefix("Tests/EndToEndTests/") && file.path != "Tests/WriftSyncTesting/Launcher.swift" {
            for marker in Self.executableMarkers where file.text.contains(marker) {
                offenders.append("\(file.path) reaches a built executable (\(marker)): move the test to Tests/EndToEndTests")
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    /// The testing library is for tests only: no product names it and no module of Sources imports it.
    @Test func theTestingLibraryIsNeitherAProductNorImportedBySources() throws {
        let manifest = try Self.source("Package.swift")
        #expect(manifest.contains(#"name: "WriftSyncTesting""#))
        #expect(!manifest.contains(#".library(name: "WriftSyncTesting""#))
        let sources = try Self.swiftFiles(under: "Sources")
        #expect(!sources.isEmpty)
        for file in sources {
            #expect(!file.text.contains("import WriftSyncTesting"), "\(file.path) imports the testing library")
        }
    }

    /// Every command names itself: ArgumentParser walks the whole command tree at every start, and derives a
    /// missing name from the type's name by demangling it (about 1 ms before any command's first request,
    /// profiled with two unnamed subcommands). Checked on the sources, where each configuration is made.
    @Test func everyCommandConfigurationNamesItsCommand() throws {
        let files = try Self.swiftFiles(under: "Sources/wriftsync")
        var configurations = 0
        var unnamed: [String] = []
        for file in files {
            for match in file.text.matches(of: /CommandConfiguration\(\s*([a-zA-Z]+):/) {
                configurations += 1
                if match.1 != "commandName" { unnamed.append("\(file.path): a CommandConfiguration without commandName: first") }
            }
        }
        #expect(configurations >= 12, "the pattern finds them all: the root, nine commands, two quarantine subcommands")
        #expect(unnamed.isEmpty, "\(unnamed.joined(separator: "\n"))")
    }
}
