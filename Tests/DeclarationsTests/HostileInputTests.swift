import Testing
import WriftSyncTesting
@testable import Declarations

/// YAML built to exhaust the parser: each is refused with one diagnostic at its place, quickly, before
/// Yams builds a tree (the text checks and the event pass run first).
@Suite struct HostileInputTests {
    /// Nine levels of ten aliases: 10^9 nodes once expanded.
    static let laughs: String = {
        var yaml = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            yaml += "l\(level): &l\(level) [\(Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        return yaml
    }()

    /// The CPU time of `body` (on this thread, where the loader does all its work), not the wall clock's.
    static func timed(_ body: () -> [String]) -> (result: [String], elapsed: Duration) {
        let (result, time) = threadCPUTime(body)
        return (result, time)
    }

    /// Regression: Yams checks mapping keys for duplicates by hashing them, and hashing an aliased
    /// collection walks all of it, expanded; a billion laughs used as a key hung `validate` for good.
    @Test func aBillionLaughsUsedAsAMappingKeyIsRefusedAtOnce() {
        let (result, elapsed) = Self.timed { diagnostics(["bomb.yaml": Self.laughs + "? *l9\n: boom\n"]) }
        #expect(result == ["bomb.yaml:6:10: aliases expand this file to more than 200000 YAML nodes (an alias bomb?); the limit is 200000"])
        #expect(elapsed < .seconds(10))
    }

    /// An alias resolves to an anchor of an earlier document too, so the count runs across documents.
    @Test func aliasesAreCountedAcrossDocuments() {
        var yaml = "a: &big [" + Array(repeating: "x", count: 1000).joined(separator: ", ") + "]\n"
        for _ in 0..<300 { yaml += "---\nb: *big\n" }
        let (result, elapsed) = Self.timed { diagnostics(["docs.yaml": yaml]) }
        #expect(result.count == 1)
        #expect(result.first?.hasPrefix("docs.yaml:") == true && result.first?.contains("aliases expand this file to more than 200000 YAML nodes") == true, "\(result)")
        #expect(elapsed < .seconds(10))
    }

    @Test func aFileOfTooManyNodesIsRefusedEvenWithoutAliases() {
        var limits = DeclarationLoader.Limits()
        limits.maxNodes = 50
        let yaml = "model: acme/x\nversions: [" + Array(repeating: "1", count: 100).joined(separator: ", ") + "]\n"
        let result = DeclarationLoader(limits: limits).load([DeclarationFile(path: "n.yaml", data: Array(yaml.utf8))]) { _ in throw RepositoryFileError.notFound }
        guard case let .failure(errors) = result else { Issue.record("expected a failure"); return }
        #expect(errors.description == "n.yaml:2:147: more than 50 YAML nodes in one file; the limit is 50")
    }

    /// What the declarations hold in memory grows with their nodes, so the nodes of all files together
    /// are bounded too: past the budget, one problem names the file that crossed it, and no further file
    /// is read (10,000 files of 1 MB would otherwise each be within their own bounds).
    @Test func theNodesOfAllFilesTogetherAreBounded() {
        var limits = DeclarationLoader.Limits()
        limits.maxTotalNodes = 100
        let file = { (name: String) in "model: acme/\(name)\nversions: []\nkeep: [" + Array(repeating: "1", count: 50).joined(separator: ", ") + "]\n" }
        let files = ["a", "b", "c"].map { DeclarationFile(path: "models/\($0).yaml", data: Array(file($0).utf8)) }
            + [DeclarationFile(path: "models/d.yaml", data: Array("not: [valid".utf8))]
        let result = DeclarationLoader(limits: limits).load(files) { _ in throw RepositoryFileError.notFound }
        guard case let .failure(errors) = result else { Issue.record("expected a failure"); return }
        #expect(errors.description == "models/b.yaml:1:1: the declarations hold more than 100 YAML nodes in all, this file included (57 nodes); the limit is 100, one per 16 bytes of --max-total-size (raise that), and no further file is read")
    }

    /// A declaration can name thousands of schemas files, each within the size cap: their bytes count
    /// toward a total too, and past it no further file is read.
    @Test func oneSettingRaisesBothLoadTotals() {
        #expect(DeclarationLoader.Limits().maxTotalBytes == 32 << 20)
        #expect(DeclarationLoader.Limits().maxTotalNodes == (32 << 20) / 16)
        let raised = DeclarationLoader.Limits(totalSize: 256 << 20)
        #expect(raised.maxTotalBytes == 256 << 20 && raised.maxTotalNodes == (256 << 20) / 16)
        #expect(raised.maxNodes == DeclarationLoader.Limits().maxNodes, "the per-file limits stay")
    }

    @Test func theBytesOfAllFilesSchemasFilesIncludedAreBounded() {
        var limits = DeclarationLoader.Limits()
        limits.maxTotalBytes = 20_000
        var yaml = "model: acme/x\nversions:\n"
        var others: [String: [UInt8]] = [:]
        for index in 0..<100 {
            yaml += "  - container_image_digest: \"sha256:\(String(format: "%064x", index))\"\n    release_notes: x\n    schemas_file: s\(index).yaml\n"
            others["models/s\(index).yaml"] = Array(("prediction: {input: {}, output: {}}\n# " + String(repeating: "-", count: 1000) + "\n").utf8)
        }
        var reads = 0
        let result = DeclarationLoader(limits: limits).load([DeclarationFile(path: "models/a.yaml", data: Array(yaml.utf8))]) { path in
            reads += 1
            guard let data = others[path] else { throw RepositoryFileError.notFound }
            return data
        }
        guard case let .failure(errors) = result else { Issue.record("expected a failure"); return }
        #expect(reads < 10, "reading stops at the limit: \(reads) files read")
        #expect(errors.diagnostics.map(\.description).contains {
            $0.hasSuffix("the declarations and their schemas files total more than 20000 bytes (text repeated by aliases included), this file included (1039 bytes); the limit is 20000 (raise it with --max-total-size), and no further file is read")
        }, "\(errors)")
    }

    /// The text check takes the `'` of `it's` for the start of a quoted string and skips the brackets
    /// after it; YAML reads a plain scalar, then real brackets. The event pass counts what YAML reads.
    @Test(arguments: [
        ("x: [it's, " + String(repeating: "[", count: 100) + String(repeating: "]", count: 101) + "\n", "q.yaml:1:73:"),
        ("x: [it's, " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_001) + "\n", "q.yaml:1:11:"),
        ("x: [\"a\\\"b\", " + String(repeating: "[", count: 100) + String(repeating: "]", count: 101) + "\n", "q.yaml:1:75:"),
        (String(repeating: "? ", count: 100) + "k\n", "q.yaml:1:"),
        ("x: |\n  it's \"\ny: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n", "q.yaml:3:"),
    ])
    func nestingTheTextCheckMissesIsRefusedByTheEventPass(_ yaml: String, _ place: String) {
        let (result, elapsed) = Self.timed { diagnostics(["q.yaml": yaml]) }
        #expect(result.count == 1, "\(result)")
        #expect(result.first?.hasPrefix(place) == true, "\(result)")
        #expect(result.first?.hasSuffix("nesting is limited to 64 levels") == true, "\(result)")
        #expect(elapsed < .seconds(10))
    }

    /// Regression: every duplicate named every other place, so 30,000 declarations of one model in a file
    /// (under the size and node limits) took minutes and a gigabyte. Now three places and a count.
    @Test func oneModelDeclaredThirtyThousandTimesIsReportedInLinearTime() {
        let yaml = Array(repeating: "model: acme/x\nversions: []\n", count: 30_000).joined(separator: "---\n")
        let (result, elapsed) = Self.timed { diagnostics(["dup.yaml": yaml]) }
        #expect(result.count == 30_000)
        #expect(result.first == "dup.yaml:1:8: model 'acme/x' is declared more than once (also at dup.yaml:4:8, dup.yaml:7:8, dup.yaml:10:8 and 29996 more)")
        #expect(elapsed < .seconds(20))
    }

    /// A problem on every line: the first 200 of a file are listed, the rest counted in one last line
    /// (and cost no "did you mean" each).
    @Test func aFileOfEightyThousandUnknownKeysListsTwoHundred() {
        let yaml = "model: acme/x\nversions: []\n" + (0..<80_000).map { "k\($0): 1\n" }.joined()
        let (result, elapsed) = Self.timed { diagnostics(["keys.yaml": yaml]) }
        #expect(result.count == 201)
        #expect(result.first == "keys.yaml:3:1: unknown key 'k0' in a model declaration (allowed: model, prune, allow_empty, keep, suspend, on_immutable_change, on_out_of_order, versions, smoke_defaults)")
        #expect(result.contains("keys.yaml:203:1: 79800 more problems in this file from here on, not listed (only the first 200 are)"))
        #expect(elapsed < .seconds(20))
    }

    /// A one-megabyte key gets no "did you mean": its distance to every allowed key is not computed.
    @Test func aHugeUnknownKeyIsReportedQuickly() {
        let key = String(repeating: "k", count: 1_000_000)
        // An explicit key: libyaml takes nothing over 1024 characters for an implicit one.
        let (result, elapsed) = Self.timed { diagnostics(["key.yaml": "model: acme/x\nversions: []\n? \(key)\n: 1\n"]) }
        #expect(result.count == 1 && result.first?.hasPrefix("key.yaml:3:3: unknown key 'kkk") == true, "\(result.map { $0.prefix(100) })")
        #expect(result.first?.hasSuffix("(allowed: model, prune, allow_empty, keep, suspend, on_immutable_change, on_out_of_order, versions, smoke_defaults)") == true)
        #expect(elapsed < .seconds(5))
    }

    /// Regression: an alias of a scalar counted as one node whatever its length, so 10,000 aliases of a
    /// 100 KB description (a 160 KB file) passed, and `plan` took 2 GB encoding the copies. Each alias now
    /// costs the text it repeats; past 4 MiB a file is refused at the alias that crosses it (the 42nd here).
    @Test func aliasesOfALongScalarAreRefusedPastTheTextTheyMayRepeat() {
        let yaml = "description: &s \"" + String(repeating: "d", count: 100_000) + "\"\nexamples: ["
            + Array(repeating: "*s", count: 10_000).joined(separator: ", ") + "]\n"
        #expect(diagnostics(["long.yaml": yaml]) == [
            "long.yaml:2:176: aliases repeat more than 4194304 bytes of text in this file (an alias bomb?); the limit is 4194304 bytes per file: repeat less text through aliases",
        ])
    }

    /// Aliased collections cost the text of all their scalars, nested aliases included.
    @Test func aliasesOfACollectionCostAllTheTextInside() {
        var limits = DeclarationLoader.Limits()
        limits.maxAliasedBytes = 1000
        let load = { (yaml: String) in
            DeclarationLoader(limits: limits).load([DeclarationFile(path: "c.yaml", data: Array(yaml.utf8))]) { _ in throw RepositoryFileError.notFound }
        }
        // 100 bytes in the anchored list; the list aliasing it three times repeats 300 and holds 300, so the
        // third alias of that one takes what is repeated to 1,200 bytes.
        let text = String(repeating: "t", count: 50)
        let yaml = "a: &a [\(text), \(text)]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\n"
        guard case let .failure(errors) = load(yaml) else { Issue.record("expected a failure"); return }
        #expect(errors.description == "c.yaml:3:13: aliases repeat more than 1000 bytes of text in this file (an alias bomb?); the limit is 1000 bytes per file: repeat less text through aliases")
    }

    /// What aliases repeat counts toward the bytes of a whole load, so many files each within the per-file
    /// limit cannot add up: past the total, the file that crosses it is named and no further file is read.
    @Test func theTextAliasesRepeatCountsTowardTheLoadsBytes() {
        var limits = DeclarationLoader.Limits()
        limits.maxTotalBytes = 50_000
        let file = { (name: String) in
            "model: acme/\(name)\nversions: []\nx: &x \"\(String(repeating: "x", count: 1000))\"\ny: [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n"
        }
        let files = ["a", "b", "c"].map { DeclarationFile(path: "models/\($0).yaml", data: Array(file($0).utf8)) }
        let result = DeclarationLoader(limits: limits).load(files) { _ in throw RepositoryFileError.notFound }
        guard case let .failure(errors) = result else { Issue.record("expected a failure"); return }
        #expect(errors.description.hasPrefix("models/a.yaml:3:1: unknown key 'x'"), "\(errors)")
        // Each file: 1,120 bytes of its own and 20,000 its aliases repeat.
        #expect(errors.diagnostics.last?.description == "models/c.yaml:1:1: the declarations and their schemas files total more than 50000 bytes (text repeated by aliases included), this file included (21120 bytes); the limit is 50000 (raise it with --max-total-size), and no further file is read")
    }

    /// Anchors and aliases in ordinary use, and nesting at the limit, stay valid.
    @Test func ordinaryAliasesAndNestingWithinTheLimitLoad() throws {
        let deep = String(repeating: "{a: ", count: 50) + "1" + String(repeating: "}", count: 50)
        let yaml = """
            model: acme/x
            versions:
              - container_image_digest: "\(digestA)"
                release_notes: "First"
                schemas:
                  prediction:
                    input: &input {type: object, properties: {deep: \(deep)}}
                    output: &output {type: string}
              - container_image_digest: "\(digestB)"
                release_notes: "Second"
                schemas: {prediction: {input: *input, output: *output}}
            """
        let models = try load(["ok.yaml": yaml]).get()
        #expect(models.first?.versions.count == 2)
        #expect(models.first?.versions[1].schemas == models.first?.versions[0].schemas)
    }
}
