import Foundation
import Testing
import WriftAIModels
@testable import JSONSchema
import WriftSyncTesting

/// WriftSync's validator against Python's `jsonschema` (Draft202012Validator, in the test virtualenv):
/// thousands of seeded schema/instance pairs, one Python run for the whole batch, and both must say
/// the same valid or invalid for every pair.
@Suite("Differential test against Python jsonschema")
struct DifferentialTests {
    static let randomSchemas = 1_500
    static let valuesPerSchema = 4
    static let seedsPerFixture = 20

    struct Case {
        var label: String
        var schema: JSONValue
        var instance: JSONValue
        var verdict: Bool
    }

    @Test("random and realistic schemas: both validators agree on every pair")
    func agreement() async throws {
        let python = PackageRoot.python
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("\(python.path) is missing: run `make test` (or `make venv`), which creates .build-venv with jsonschema")
            return
        }
        let clock = ContinuousClock()
        var cases: [Case] = []
        let building = try clock.measure { cases = try Self.cases() }
        var text = ""
        var writer = SplitMix64(seed: 0x5EED)
        for item in cases {
            text += "{\"schema\":"
            JSONText.write(item.schema, random: &writer, into: &text)
            text += ",\"instance\":"
            JSONText.write(item.instance, random: &writer, into: &text)
            text += "}\n"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wriftsync-jsonschema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.jsonl")
        let output = directory.appendingPathComponent("results.txt")
        try Data(text.utf8).write(to: input)

        let script = PackageRoot.url.appendingPathComponent("Tests/conformance/jsonschema_oracle.py")
        let started = clock.now
        // At a lower priority: the oracle takes seconds of CPU, and the tests running alongside measure time.
        let nice = URL(fileURLWithPath: "/usr/bin/nice")
        let run = FileManager.default.isExecutableFile(atPath: nice.path)
            ? try await runProcess(nice, ["-n", "10", python.path, script.path, input.path, output.path])
            : try await runProcess(python, [script.path, input.path, output.path])
        let oracle = clock.now - started
        try #require(run.status == 0, "the oracle failed: \(run.output)")
        let results = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(results.count == cases.count, "the oracle answered \(results.count) of \(cases.count) cases")

        var disagreements: [String] = []
        for (item, result) in zip(cases, results) where result != (item.verdict ? "valid" : "invalid") {
            disagreements.append("\(item.label): WriftSync says \(item.verdict ? "valid" : "invalid"), jsonschema \(result)\n  schema \(item.schema.quoted(limit: 400))\n  instance \(item.instance.quoted(limit: 200))")
        }
        let valid = cases.filter(\.verdict).count
        print("differential test: \(cases.count) schema/instance pairs (\(valid) valid, \(cases.count - valid) invalid), \(cases.count - disagreements.count) agree with \(run.output.trimmingCharacters(in: .whitespacesAndNewlines)); built and validated here in \(building), the oracle took \(oracle)")
        #expect(cases.count >= 5_000)
        // Both verdicts well represented, or agreement would mean little.
        #expect(valid > cases.count / 5 && cases.count - valid > cases.count / 5, "valid \(valid) of \(cases.count)")
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, the first:\n\(disagreements.prefix(10).joined(separator: "\n"))")
    }

    /// Random schemas with random values, values the generator made for them and those values mutated;
    /// then the realistic fixtures with generated and mutated values.
    static func cases() throws -> [Case] {
        var cases: [Case] = []
        var schemas = RandomSchemas(seed: 20_261_130)
        var compiled = 0
        while compiled < randomSchemas {
            let schema = schemas.document()
            guard let validator = try? JSONSchemaValidator(schema) else { continue }
            compiled += 1
            var instances: [JSONValue] = (0..<valuesPerSchema).map { _ in schemas.random.chance(0.5) ? schemas.simpleValue() : schemas.value(depth: 0) }
            var generator = JSONSchemaGenerator(validator)
            generator.maxAttempts = 4
            if let generated = try? generator.value(seed: UInt64(compiled)) {
                instances.append(generated)
                let mutations = JSONSchemaGenerator.mutations(of: generated)
                if !mutations.isEmpty { instances.append(mutations[schemas.random.below(mutations.count)]) }
            }
            for instance in instances {
                cases.append(Case(label: "random schema \(compiled)", schema: schema, instance: instance, verdict: validator.isValid(instance)))
            }
        }
        for (name, schema) in PredictionSchemaFixtures.all {
            let validator = try JSONSchemaValidator(schema)
            let generator = JSONSchemaGenerator(validator)
            for seed in 0..<UInt64(seedsPerFixture) {
                let generated = try generator.value(seed: seed)
                cases.append(Case(label: "\(name), seed \(seed)", schema: schema, instance: generated, verdict: validator.isValid(generated)))
                if let bad = generator.violatingValue(seed: seed) {
                    cases.append(Case(label: "\(name), violation \(seed)", schema: schema, instance: bad, verdict: validator.isValid(bad)))
                }
            }
        }
        return cases
    }
}
