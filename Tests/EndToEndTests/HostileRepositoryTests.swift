import Foundation
import Testing
import WriftAIEmulator
import WriftSyncTesting

/// Repositories built to hurt: links, escapes, huge and binary files, alias bombs, deep nesting, invalid
/// UTF-8, 100,000 files. `wriftsync validate` and `wriftsync plan` (against the emulator) run on each as
/// the real executable; each must fail with an error naming the path (and line:column where there is
/// one), in bounded time and memory (the child's own peak RSS), and plan nothing: no API request at all.
/// Serialized so that the times measured are each process's own.
@Suite(.serialized, .onOwnThreads) struct HostileRepositoryTests {
    static let timeBound = 20.0
    static let memoryBound = 512 << 20

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// Changes the repository (which holds a valid `models/a.yaml`) and commits.
        let build: @Sendable (TestRepository) throws -> Void
        /// What stderr must contain, for `validate` and for `plan`: the path, and line:column where known.
        let expected: String
        var testDescription: String { name }
    }

    static func declaration(_ model: String, schemasFile: String? = nil) -> String {
        ValidateCommandTests.declaration(model, schemas: schemasFile.map { "schemas_file: \($0)" } ?? "schemas: {prediction: {input: {type: object}, output: {type: object}}}")
    }

    /// A document of nine levels of ten aliases each: 10^9 nodes once expanded.
    static func billionLaughs(usedAsKey: Bool) -> String {
        var yaml = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            yaml += "l\(level): &l\(level) [\(Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", "))]\n"
        }
        return yaml + (usedAsKey ? "? *l9\n: boom\n" : "boom: *l9\n")
    }

    /// A schema whose `examples` are 10,000 aliases of its 100 KB `description` (a 160 KB file; `plan` took
    /// 2 GB and 12 s encoding the copies), and the column of the alias past 4 MiB of repeated text (the 42nd).
    static let longDescriptionAliases: (yaml: String, column: Int) = {
        let before = "        input: {type: object, description: &s \"" + String(repeating: "d", count: 100_000) + "\", examples: ["
        let yaml = "model: alice/long\nversions:\n  - container_image_digest: \"sha256:\(String(repeating: "d", count: 64))\"\n"
            + "    release_notes: x\n    schemas:\n      prediction:\n" + before
            + Array(repeating: "*s", count: 10_000).joined(separator: ", ") + "]}\n        output: {}\n"
        return (yaml, before.count + 1 + 41 * 4)
    }()

    static let cases: [Case] = [
        Case(name: "a declaration linked to /etc/passwd", build: { repository in
            try repository.symlink("models/passwd.yaml", to: "/etc/passwd")
            try repository.commit("link out")
        }, expected: "error: models/passwd.yaml: is a symbolic link"),
        Case(name: "a declaration linked to another file of the repository", build: { repository in
            try repository.write("other/real.yaml", declaration("alice/real"))
            try repository.symlink("models/inside.yaml", to: "../other/real.yaml")
            try repository.commit("link in")
        }, expected: "error: models/inside.yaml: is a symbolic link"),
        Case(name: "a linked directory among the declarations", build: { repository in
            try repository.write("other/real.yaml", declaration("alice/real"))
            try repository.symlink("models/team", to: "../other")
            try repository.commit("linked directory")
        }, expected: "error: models/team: is a symbolic link"),
        Case(name: "a schemas_file linked to /etc/passwd", build: { repository in
            try FileManager.default.createDirectory(atPath: repository.path + "/schemas", withIntermediateDirectories: true)
            try repository.symlink("schemas/s.json", to: "/etc/passwd")
            try repository.write("models/b.yaml", declaration("alice/b", schemasFile: "../schemas/s.json"))
            try repository.commit("schemas link")
        }, expected: "models/b.yaml:5:19: schemas_file '../schemas/s.json': schemas/s.json is a symbolic link; WriftSync never follows links"),
        Case(name: "a schemas_file reached through a linked directory", build: { repository in
            try repository.write("real/s.json", #"{"prediction": {"input": {}, "output": {}}}"#)
            try repository.symlink("shared", to: "real")
            try repository.write("models/b.yaml", declaration("alice/b", schemasFile: "../shared/s.json"))
            try repository.commit("schemas via a linked directory")
        }, expected: "models/b.yaml:5:19: schemas_file '../shared/s.json': shared is a symbolic link; WriftSync never follows links"),
        Case(name: "a schemas_file escaping the repository with ../", build: { repository in
            try repository.write("models/b.yaml", declaration("alice/b", schemasFile: "../../../../../etc/passwd"))
            try repository.commit("escape")
        }, expected: "models/b.yaml:5:19: schemas_file '../../../../../etc/passwd' resolves outside the repository"),
        Case(name: "an absolute schemas_file", build: { repository in
            try repository.write("models/b.yaml", declaration("alice/b", schemasFile: "/etc/passwd"))
            try repository.commit("absolute")
        }, expected: "models/b.yaml:5:19: schemas_file '/etc/passwd' must be relative to the declaring file"),
        Case(name: "a 50 MB declaration", build: { repository in
            try repository.write("models/huge.yaml", bytes: 50 << 20)
            try repository.commit("huge declaration")
        }, expected: "error: models/huge.yaml: is 52428800 bytes, over the 1048576-byte limit"),
        Case(name: "a 50 MB schemas_file", build: { repository in
            try repository.write("schemas/huge.json", bytes: 50 << 20)
            try repository.write("models/b.yaml", declaration("alice/b", schemasFile: "../schemas/huge.json"))
            try repository.commit("huge schemas")
        }, expected: "models/b.yaml:5:19: schemas_file '../schemas/huge.json' is 52428800 bytes, over the 1048576-byte limit"),
        Case(name: "a binary file named *.yaml", build: { repository in
            // An ELF header: the first NUL is the 8th byte.
            try repository.write("models/tool.yaml", data: Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
            try repository.commit("binary")
        }, expected: "models/tool.yaml:1:8: binary file (NUL byte); declarations must be UTF-8 text"),
        Case(name: "a file with invalid UTF-8", build: { repository in
            try repository.write("models/latin1.yaml", data: Data("model: alice/latin1\nversions: [] # caf".utf8) + Data([0xE9, 0x0A]))
            try repository.commit("latin-1")
        }, expected: "models/latin1.yaml:2:19: invalid UTF-8 (byte 0xE9); declarations must be UTF-8 text"),
        Case(name: "a billion laughs", build: { repository in
            try repository.write("models/bomb.yaml", billionLaughs(usedAsKey: false))
            try repository.commit("bomb")
        }, expected: "models/bomb.yaml:6:10: aliases expand this file to more than 200000 YAML nodes (an alias bomb?)"),
        Case(name: "a billion laughs as a mapping key", build: { repository in
            try repository.write("models/bomb.yaml", billionLaughs(usedAsKey: true))
            try repository.commit("bomb key")
        }, expected: "models/bomb.yaml:6:10: aliases expand this file to more than 200000 YAML nodes (an alias bomb?)"),
        Case(name: "10,000 aliases of a 100 KB description", build: { repository in
            try repository.write("models/long.yaml", longDescriptionAliases.yaml)
            try repository.commit("aliases of a long scalar")
        }, expected: "models/long.yaml:7:\(longDescriptionAliases.column): aliases repeat more than 4194304 bytes of text in this file (an alias bomb?); the limit is 4194304 bytes per file"),
        Case(name: "10,000 nested lists", build: { repository in
            try repository.write("models/deep.yaml", "x: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
            try repository.commit("deep lists")
        }, expected: "models/deep.yaml:1:68: brackets nested 65 deep: nesting is limited to 64 levels"),
        Case(name: "10,000 nested flow mappings", build: { repository in
            try repository.write("models/deep.yaml", "a: " + String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "\n")
            try repository.commit("deep mappings")
        }, expected: "models/deep.yaml:1:260: brackets nested 65 deep: nesting is limited to 64 levels"),
        Case(name: "10,000 nested compact lists", build: { repository in
            try repository.write("models/deep.yaml", String(repeating: "- ", count: 10_000) + "x\n")
            try repository.commit("deep compact lists")
        }, expected: "models/deep.yaml:1:20001: 10000 nested lists on one line: nesting is limited to 64 levels"),
        Case(name: "1,000 nested block mappings", build: { repository in
            // Block nesting needs a column of indentation per level: 10,000 levels would be a 50 MB file.
            try repository.write("models/deep.yaml", (0..<1000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n") + " 1\n")
            try repository.commit("deep block")
        }, expected: "models/deep.yaml:514:514: indentation of 513 columns: nesting is limited to 64 levels"),
        Case(name: "10,000 nested lists behind a quote in a plain scalar", build: { repository in
            // `it's` is a plain scalar, not the start of a quoted one: the brackets after it are real,
            // though the text check takes them for the inside of a string.
            try repository.write("models/deep.yaml", "x: [it's, " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_001) + "\n")
            try repository.commit("deep behind a quote")
        }, expected: "models/deep.yaml:1:11: collections nested more than 64 deep: nesting is limited to 64 levels"),
        Case(name: "100 nested lists behind a quote in a plain scalar", build: { repository in
            try repository.write("models/deep.yaml", "x: [it's, " + String(repeating: "[", count: 100) + String(repeating: "]", count: 101) + "\n")
            try repository.commit("deeper than the limit behind a quote")
        }, expected: "models/deep.yaml:1:73: collections nested more than 64 deep: nesting is limited to 64 levels"),
        Case(name: "one model declared 30,000 times", build: { repository in
            try repository.write("models/dup.yaml", Array(repeating: "model: alice/a\nversions: []\n", count: 30_000).joined(separator: "---\n"))
            try repository.commit("duplicates")
        }, expected: "models/a.yaml:1:8: model 'alice/a' is declared more than once (also at models/dup.yaml:1:8, models/dup.yaml:4:8, models/dup.yaml:7:8 and 29997 more)"),
        Case(name: "80,000 unknown keys", build: { repository in
            try repository.write("models/keys.yaml", "model: alice/keys\nversions: []\n" + (0..<80_000).map { "k\($0): 1\n" }.joined())
            try repository.commit("keys")
        }, expected: "models/keys.yaml:203:1: 79800 more problems in this file from here on, not listed (only the first 200 are)"),
        Case(name: "a declaration 20,000 directories deep", build: { repository in
            // Regression: the tree walk recursed once per level and overflowed the stack (SIGSEGV).
            try repository.importFiles(count: 1, path: { _ in "models/" + String(repeating: "d/", count: 20_000) + "deep.yaml" }, content: { _ in "model: alice/deep\nversions: []\n" })
        }, expected: "error: models/" + String(repeating: "d/", count: 56) + "d…: directories nested more than 64 deep; WriftSync reads at most 64 levels below --path."),
        Case(name: "a 600 MB commit object (a pack of under 1 MB)", build: { repository in
            // libgit2 reads an object whole before it looks at its type or size: resolving the branch used to
            // inflate all of it, past the memory bound, before any check ran.
            let message = repository.path + "-huge-message.txt"
            defer { try? FileManager.default.removeItem(atPath: message) }
            guard FileManager.default.createFile(atPath: message, contents: Data(repeating: UInt8(ascii: "x"), count: 600 << 20)) else {
                throw Shell.Failure(command: ["write", message], status: errno, output: "")
            }
            let id = try repository.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-F", message)
            try repository.git("update-ref", "refs/heads/main", id)
        }, expected: "bytes, over the 8388608-byte limit for such an object; WriftSync did not read it"),
        Case(name: "100,000 tiny files", build: { repository in
            try repository.importFiles(count: 100_000, path: { "models/many/\($0 / 1000)/m\($0).yaml" }, content: { "model: alice/m\($0)\nversions: []\n" })
        }, expected: "error: models: holds more than 10000 files to read (stopped counting at 10001); remove some or raise --max-files."),
    ]

    @Test(arguments: cases)
    func isRefusedNamingThePathQuicklyAndPlansNothing(_ item: Case) async throws {
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a")])
        try item.build(repository)
        let cache = try TemporaryDirectory("hostile")
        let validate = try await onOwnThread {
            try MeasuredRun.run(["validate", "--repo", repository.path, "--cache-dir", cache.path], timeout: 60)
        }
        print("hostile: \(item.name): validate \(validate.summary)")
        Self.check(validate, item)

        let storage = try InMemoryEmulatorStorage()
        try await withRunningEmulator(configuration: PlanCommandTests.configuration(models: ["alice/a"]), storage: storage) { emulator in
            let arguments = ["plan", "--repo", repository.path, "--api-url", emulator.baseURL, "--cache-dir", cache.path, "--rate-limit", "200"]
            let plan = try await onOwnThread {
                try MeasuredRun.run(arguments, environment: ["WRIFTAI_ACCESS_TOKEN": PlanCommandTests.token, "NO_COLOR": "1"], timeout: 60)
            }
            print("hostile: \(item.name): plan \(plan.summary)")
            Self.check(plan, item)
            #expect(!plan.stdout.contains("Plan:") && !plan.stdout.contains("create"), "nothing is planned: \(plan.stdout)")
            // Listings start as files are parsed: alice/a's (models/a.yaml, parsed first) may have been sent before
            // the hostile file was refused — a read, cancelled then, and nothing else.
            let requests = try await PlanCommandTests.stats(emulator).requests.filter { $0.route.hasPrefix("/v1") }
            #expect(requests.allSatisfy { $0.method == "GET" && $0.route == "/v1/models/{owner}/{name}/versions" }, "no write, no other read while the declarations are refused: \(requests)")
            #expect(requests.reduce(0) { $0 + $1.count } <= 1, "at most the listing of the model parsed before: \(requests)")
        }
    }

    /// The cost of the worst repository under the file cap: 10,000 small declarations, all valid.
    @Test func tenThousandFilesAtTheCapValidateInBoundedTimeAndMemory() async throws {
        let repository = try TestRepository(files: ["README.md": "many\n"])
        try repository.importFiles(count: 10_000, path: { "models/many/\($0 / 1000)/m\($0).yaml" }, content: { "model: alice/m\($0)\nversions: []\n" })
        let cache = try TemporaryDirectory("hostile")
        let validate = try await onOwnThread {
            try MeasuredRun.run(["validate", "--repo", repository.path, "--cache-dir", cache.path], timeout: 60)
        }
        print("hostile: 10,000 tiny valid files (at the cap): validate \(validate.summary)")
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("valid: 10000 models, 0 versions in 10000 files"))
        #expect(validate.seconds < Self.timeBound && validate.peakMemory < Self.memoryBound, "\(validate.summary)")
    }

    /// Regression: every part of a smoke input stored its whole JSON pointer, so a long key was copied once
    /// per part below it: one 100 KB key over 8,000 list items (a 116 KB file) took 825 MB. The locations
    /// are a tree now, each part holding its own key only.
    @Test func aSmokeInputOfOneLongKeyOverManyItemsValidatesInLittleMemory() async throws {
        let smoke = "    smoke:\n      - input:\n          ? \"" + String(repeating: "k", count: 100_000) + "\"\n          : ["
            + Array(repeating: "0", count: 8000).joined(separator: ",") + "]\n"
        let repository = try TestRepository(files: ["models/a.yaml": Self.declaration("alice/a") + "\n" + smoke])
        let cache = try TemporaryDirectory("hostile")
        let validate = try await onOwnThread {
            try MeasuredRun.run(["validate", "--repo", repository.path, "--cache-dir", cache.path], timeout: 60)
        }
        print("hostile: one 100 KB key over 8,000 smoke input items: validate \(validate.summary)")
        #expect(validate.status == 0, "\(validate.stderr.prefix(2000))")
        #expect(validate.peakMemory < 100 << 20, "\(validate.summary)")
    }

    static func check(_ run: MeasuredRun, _ item: Case) {
        #expect(!run.timedOut)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains(item.expected), "expected \(item.expected) in: \(run.stderr.prefix(2000))")
        #expect(run.seconds < timeBound, "bounded time: \(run.summary)")
        #expect(run.peakMemory < memoryBound, "bounded memory: \(run.summary)")
    }
}
