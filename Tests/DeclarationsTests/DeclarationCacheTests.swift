import Declarations
import Foundation
import WriftAIModels
import JSONSchema
import Testing
import WriftSyncTesting

/// Loading commit after commit with a ``DeclarationCache``: only what changed is read and parsed, and the
/// result is always the one a load from scratch gives.
@Suite(.onOwnThreads) struct DeclarationCacheTests {
    /// A repository at one commit: every file's text; content ids are the texts' hashes, as blob ids are.
    struct Tree {
        var files: [String: String]

        var declarationPaths: [String] { files.keys.filter { DeclarationLoader.isDeclarationPath($0, under: "models") && $0.hasPrefix("models/") }.sorted() }

        func id(_ path: String) -> String? { files[path].map { String($0.hashValue) + ":\($0.utf8.count)" } }

        /// The load through `cache`, counting the reads.
        func load(_ cache: inout DeclarationCache, limits: DeclarationLoader.Limits = .init()) -> (load: DeclarationLoad, reads: [String]) {
            var reads: [String] = []
            let load = cache.load(
                declarationPaths.map { DeclarationFileReference(path: $0, contentID: id($0)) }, limits: limits,
                read: { path in
                    reads.append(path)
                    guard let text = files[path] else { throw RepositoryFileError.notFound }
                    return Array(text.utf8)
                },
                contentID: { id($0) }
            )
            return (load, reads)
        }

        /// The same load from scratch.
        func fresh(limits: DeclarationLoader.Limits = .init()) -> DeclarationLoad {
            var cache = DeclarationCache()
            return load(&cache, limits: limits).load
        }
    }

    static func model(_ name: String, digests: [String], schemasFile: String? = nil) -> String {
        var yaml = "model: \(name)\nversions:\n"
        for digest in digests {
            yaml += "  - container_image_digest: \"\(digest)\"\n    release_notes: \"notes\"\n"
            yaml += schemasFile.map { "    schemas_file: \($0)\n" } ?? "    schemas: {prediction: {input: {type: object}, output: {type: string}}}\n"
        }
        return yaml
    }

    static func same(_ a: DeclarationLoad, _ b: DeclarationLoad) -> Bool {
        switch (a.result, b.result) {
        case let (.success(x), .success(y)): x == y
        case let (.failure(x), .failure(y)): x.diagnostics == y.diagnostics
        default: false
        }
    }

    @Test func anUnchangedCommitReadsNothingAndOneChangedFileIsTheOnlyOneParsed() throws {
        var tree = Tree(files: [:])
        for index in 0..<50 { tree.files["models/m\(index).yaml"] = Self.model("acme/m\(index)", digests: [repeatedDigest(index)]) }
        var cache = DeclarationCache()
        let first = tree.load(&cache)
        #expect(first.load.parsedFiles == 50 && first.reads.count == 50)

        let again = tree.load(&cache)
        #expect(again.reads.isEmpty, "the same content is not read again")
        #expect(again.load.parsedFiles == 0 && again.load.reusedFiles == 50)
        #expect(Self.same(again.load, first.load))

        tree.files["models/m7.yaml"] = Self.model("acme/m7", digests: [repeatedDigest(7), repeatedDigest(200)])
        let changed = tree.load(&cache)
        #expect(changed.reads == ["models/m7.yaml"])
        #expect(changed.load.parsedFiles == 1)
        #expect(Self.same(changed.load, tree.fresh()))
        let models = try changed.load.result.get()
        #expect(models.first { $0.model == "acme/m7" }?.versions.count == 2)
    }

    @Test func aChangedSchemasFileIsParsedAloneAndFeedsEveryDeclarationNamingIt() throws {
        var tree = Tree(files: [
            "models/a.yaml": Self.model("acme/a", digests: [repeatedDigest(1)], schemasFile: "../schemas/s.yaml"),
            "models/b.yaml": Self.model("acme/b", digests: [repeatedDigest(2)], schemasFile: "../schemas/s.yaml"),
            "models/c.yaml": Self.model("acme/c", digests: [repeatedDigest(3)]),
            "schemas/s.yaml": "prediction: {input: {type: object}, output: {type: string}}\n",
        ])
        var cache = DeclarationCache()
        let first = tree.load(&cache)
        #expect(first.load.parsedFiles == 3 && first.load.parsedSchemasFiles == 1, "a schemas file named twice is parsed once")

        tree.files["schemas/s.yaml"] = "prediction: {input: {type: object}, output: {type: integer}}\n"
        let changed = tree.load(&cache)
        #expect(changed.reads == ["schemas/s.yaml"])
        #expect(changed.load.parsedFiles == 0 && changed.load.parsedSchemasFiles == 1)
        let models = try changed.load.result.get()
        for name: ModelID in ["acme/a", "acme/b"] {
            #expect(models.first { $0.model == name }?.versions.first?.schemas.prediction.output == ["type": "integer"])
        }
        #expect(Self.same(changed.load, tree.fresh()))

        // Broken, then gone: reported as a load from scratch reports it.
        tree.files["schemas/s.yaml"] = "prediction: [oops\n"
        let broken = tree.load(&cache)
        #expect(Self.same(broken.load, tree.fresh()))
        if case .success = broken.load.result { Issue.record("a broken schemas file must fail the load") }
        tree.files["schemas/s.yaml"] = nil
        #expect(Self.same(tree.load(&cache).load, tree.fresh()))
    }

    @Test func theTotalsCountReusedFilesAsALoadFromScratchDoes() throws {
        var limits = DeclarationLoader.Limits()
        limits.maxTotalBytes = 2_000
        var tree = Tree(files: [:])
        for index in 0..<6 { tree.files["models/m\(index).yaml"] = Self.model("acme/m\(index)", digests: [repeatedDigest(index)]) }
        var cache = DeclarationCache()
        #expect(throws: Never.self) { try tree.load(&cache, limits: limits).load.result.get() }
        // One file grows: the total crosses the limit at the file a load from scratch names, the others reused.
        tree.files["models/m3.yaml"] = Self.model("acme/m3", digests: (0..<8).map(repeatedDigest))
        let crossed = tree.load(&cache, limits: limits)
        #expect(crossed.reads == ["models/m3.yaml"])
        #expect(Self.same(crossed.load, tree.fresh(limits: limits)))
        guard case let .failure(errors) = crossed.load.result else {
            Issue.record("the load must fail past the limit")
            return
        }
        #expect(errors.diagnostics.contains { $0.message.contains("total more than 2000 bytes") })
    }

    @Test func randomEditsOverManyCommitsAlwaysLoadAsFromScratch() throws {
        var generator = SplitMix64(seed: 0x5EED)
        var tree = Tree(files: ["schemas/s.yaml": "prediction: {input: {type: object}, output: {type: string}}\n"])
        for index in 0..<30 { tree.files["models/m\(index).yaml"] = Self.model("acme/m\(index)", digests: [repeatedDigest(index)]) }
        var cache = DeclarationCache()
        _ = tree.load(&cache)
        for generation in 0..<200 {
            var touched: Set<String> = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<34, using: &generator)
                let path = index < 30 ? "models/m\(index).yaml" : (index == 30 ? "schemas/s.yaml" : "models/extra\(index).yaml")
                touched.insert(path)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: tree.files[path] = nil
                case 1: tree.files[path] = "model: acme/broken\(generation)\nversions: [\n"
                case 2: tree.files[path] = Self.model("acme/m0", digests: [repeatedDigest(generation)])  // a duplicate model
                case 3: tree.files[path] = Self.model("acme/x\(index)", digests: [repeatedDigest(generation)], schemasFile: "../schemas/s.yaml")
                case 4 where path == "schemas/s.yaml": tree.files[path] = "prediction: {input: {type: object}, output: {type: number}}\n"
                default: tree.files[path] = Self.model("acme/m\(index)", digests: [repeatedDigest(generation), repeatedDigest(generation + 1)])
                }
            }
            let (load, reads) = tree.load(&cache)
            #expect(Self.same(load, tree.fresh()), "generation \(generation), touched \(touched.sorted())")
            #expect(Set(reads).isSubset(of: touched.union(["schemas/s.yaml"])), "generation \(generation): read \(reads), touched \(touched)")
        }
    }
}
