import Foundation
import Testing
import WriftAIModels
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
}
