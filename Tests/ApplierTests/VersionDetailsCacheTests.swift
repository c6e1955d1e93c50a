import Foundation
import Testing
import WriftAIModels
import WriftSyncTesting
@testable import LiveState

/// The on-disk details an apply leaves for the next plan.
@Suite("Version details cache")
struct VersionDetailsCacheTests {
    @Test("a create answer is kept as the API sent it, not encoded again, and reads back as the details decoded from it")
    func answerKeptVerbatim() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("details-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = VersionDetailsCache(cacheDirectory: directory, baseURL: "http://127.0.0.1:8080/v1")
        // Key order, spacing and a field this client does not know: none of it survives an encode.
        let answer = Array(#"""
            {"schemas": {"prediction": {"output": {"type": "string"}, "input": {"type": "object"}}}, "number": 7,
             "created_at": "2026-01-01T00:00:00Z", "release_notes": "r7", "unknown_field": [1, 2],
             "container_image_digest": "sha256:\#(String(repeating: "a", count: 64))", "compatibilities": {}}
            """#.utf8)
        let details = try JSONDecoder().decode(ModelVersionDetails.self, from: Data(answer))
        cache.store(details, answer: answer, model: "alice/demo")

        let path = cache.path(model: "alice/demo", number: 7, createdAt: "2026-01-01T00:00:00Z")
        #expect(FileManager.default.contents(atPath: path).map(Array.init) == answer)
        #expect(cache.details(model: "alice/demo", number: 7, createdAt: "2026-01-01T00:00:00Z") == details)
    }

    @Test("two models whose names join alike keep their own entries, and the layout before per-part folders is removed")
    func modelsNeverShareAFolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("details-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cache = VersionDetailsCache(cacheDirectory: directory, baseURL: "http://127.0.0.1:8080/v1")
        func details(_ number: Int, _ seed: Character) -> ModelVersionDetails {
            ModelVersionDetails(
                number: number, releaseNotes: "r", createdAt: "2026-01-01T00:00:0\(number)Z",
                containerImageDigest: "sha256:" + String(repeating: seed, count: 64),
                schemas: Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"])),
                compatibilities: Compatibilities(), size: nil
            )
        }
        cache.store(details(1, "a"), model: "a/b__c")
        cache.store(details(2, "b"), model: "a__b/c")
        #expect(cache.folder(model: "a/b__c") != cache.folder(model: "a__b/c"))
        let legacy = cache.directory + "/a__b__c"
        try FileManager.default.createDirectory(atPath: legacy, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: legacy + "/1-old.json"))

        // Each model's listing keeps its own entry; pruning one never drops the other's.
        cache.prune(model: "a/b__c", keeping: [(1, "2026-01-01T00:00:01Z")])
        cache.prune(model: "a__b/c", keeping: [(2, "2026-01-01T00:00:02Z")])
        #expect(cache.details(model: "a/b__c", number: 1, createdAt: "2026-01-01T00:00:01Z") == details(1, "a"))
        #expect(cache.details(model: "a__b/c", number: 2, createdAt: "2026-01-01T00:00:02Z") == details(2, "b"))
        #expect(!FileManager.default.fileExists(atPath: legacy), "entries of the old layout are never read again")
    }

    @Test("one instant is one entry whatever its spelling: stored by the create's answer, found by the listing's", arguments: [
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z"),
        ("2026-01-01T00:00:00.000400Z", "2026-01-01T00:00:00Z"),
        ("2026-01-01T00:00:00.1Z", "2026-01-01T00:00:00.100000Z"),
        ("2026-01-01T01:00:00.25+01:00", "2026-01-01T00:00:00.250Z"),
    ])
    func oneInstantOneEntry(_ answered: String, _ listed: String) throws {
        let directory = try TemporaryDirectory("details-cache-instant")
        let cache = VersionDetailsCache(cacheDirectory: directory.path, baseURL: "http://127.0.0.1:8080/v1")
        let answer = Array(#"""
            {"number": 3, "created_at": "\#(answered)", "release_notes": "r",
             "container_image_digest": "sha256:\#(String(repeating: "b", count: 64))", "compatibilities": {},
             "schemas": {"prediction": {"input": {"type": "object"}, "output": {"type": "string"}}}}
            """#.utf8)
        let details = try JSONDecoder().decode(ModelVersionDetails.self, from: Data(answer))
        cache.store(details, answer: answer, model: "alice/demo")
        #expect(cache.path(model: "alice/demo", number: 3, createdAt: answered) == cache.path(model: "alice/demo", number: 3, createdAt: listed))
        #expect(cache.details(model: "alice/demo", number: 3, createdAt: listed) == details)
        cache.prune(model: "alice/demo", keeping: [(3, listed)])
        #expect(cache.details(model: "alice/demo", number: 3, createdAt: listed) == details, "kept by the listing that spells it its way")
        #expect(cache.details(model: "alice/demo", number: 3, createdAt: "2026-01-01T00:00:01Z") == nil, "another instant is another entry")
    }

    @Test("temporary files a writer left when it died are pruned once an hour old; younger ones may still be renamed")
    func leftoverTemporaryFiles() throws {
        let directory = try TemporaryDirectory("details-cache-temporary")
        let cache = VersionDetailsCache(cacheDirectory: directory.path, baseURL: "http://127.0.0.1:8080/v1")
        let details = ModelVersionDetails(
            number: 1, releaseNotes: "r", createdAt: "2026-01-01T00:00:00Z", containerImageDigest: nil,
            schemas: Schemas(prediction: PredictionSchemas(input: ["type": "object"], output: ["type": "string"])),
            compatibilities: Compatibilities(), size: nil
        )
        cache.store(details, model: "alice/demo")
        let folder = cache.folder(model: "alice/demo")
        let entry = cache.path(model: "alice/demo", number: 1, createdAt: details.createdAt)
        let old = [entry + ".tmp-4242-1", folder + "/verified.json.tmp-4242-2", folder + "/7-gone.json.tmp-4242-3"]
        let young = [entry + ".tmp-4243-1", folder + "/verified.json.tmp-4243-2"]
        for path in old + young {
            try Data("{\"number\":".utf8).write(to: URL(fileURLWithPath: path))
        }
        for path in old {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 3600)], ofItemAtPath: path)
        }
        cache.prune(model: "alice/demo", keeping: [(1, details.createdAt)])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        let name = { (path: String) in URL(fileURLWithPath: path).lastPathComponent }
        #expect(left == Set(([entry] + young).map(name)), "\(left.sorted())")
        #expect(cache.details(model: "alice/demo", number: 1, createdAt: details.createdAt) == details)
    }
}
