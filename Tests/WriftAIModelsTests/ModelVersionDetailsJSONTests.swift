import Foundation
import Testing
import WriftAIModels

/// `ModelVersionDetails.jsonBody()` (the emulator's answer to a create or a details request) writes its JSON
/// directly: it must be the JSON `JSONEncoder` writes, equal as JSON, and decode back to the same details.
@Suite("ModelVersionDetails.jsonBody")
struct ModelVersionDetailsJSONTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var details: ModelVersionDetails
        var testDescription: String { name }
    }

    /// Each request case's schemas, compatibilities and configuration as a version's, with and without the
    /// optional fields.
    static let cases: [Case] = CreateVersionRequestJSONTests.cases.enumerated().flatMap { index, requestCase in
        let request = requestCase.request
        let full = ModelVersionDetails(
            number: index + 1, releaseNotes: request.releaseNotes, createdAt: "2026-12-02T06:00:00.123456Z",
            containerImageDigest: request.containerImageDigest, schemas: request.schemas,
            compatibilities: request.compatibilities ?? Compatibilities(), size: 1 << 40,
            configuration: request.configuration ?? VersionConfiguration(hardwareIdentifier: "cpu", variableNames: []))
        var bare = full
        bare.containerImageDigest = nil
        bare.size = nil
        bare.configuration = nil
        return [
            Case(name: requestCase.name + ", every field", details: full),
            Case(name: requestCase.name + ", no digest, size or configuration", details: bare),
        ]
    }

    @Test("equals JSONEncoder's JSON and decodes back to the details", arguments: cases)
    func sameJSON(_ testCase: Case) throws {
        let written = try testCase.details.jsonBody()
        let encoded = try JSONEncoder().encode(testCase.details)
        let fast = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
        let reference = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(fast != nil)
        #expect(fast == reference)
        #expect(try JSONDecoder().decode(ModelVersionDetails.self, from: Data(written)) == testCase.details)
        #expect(written.withUnsafeBufferPointer { ModelVersionDetails.read(json: $0) } == testCase.details)
    }

    @Test("a number JSON cannot carry is refused, as JSONEncoder refuses it")
    func nonFinite() {
        var details = Self.cases[0].details
        details.schemas.prediction.input = .object(["minimum": .number(.infinity)])
        #expect(throws: (any Error).self) { try details.jsonBody() }
        #expect(throws: (any Error).self) { try JSONEncoder().encode(details) }
    }
}
