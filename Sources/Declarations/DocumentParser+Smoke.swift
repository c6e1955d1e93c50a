import WriftAIModels
import Yams

extension DocumentParser {
    static let smokeCaseKeys = ["input", "max_seconds", "expect_output"]
    static let smokeDefaultsKeys = ["max_seconds", "cases"]
    /// Each case is a prediction, run (and counted against the rate limit) on every new version.
    static let maxSmokeCases = 25
    /// An hour: a smoke case is a quick check, and the gate's own timeout bounds it anyway.
    static let maxSmokeSeconds: Double = 3600

    /// `smoke_defaults: {max_seconds: N, cases: [...]}`, or nil (reported).
    func smokeDefaults(_ node: Node) -> SmokeDefaults? {
        guard let pairs = reader.mapping(node, "'smoke_defaults'") else { return nil }
        reader.checkKeys(pairs, allowed: Self.smokeDefaultsKeys, in: "'smoke_defaults'")
        var valid = true
        var seconds: Double?
        if let pair = pairs.first(where: { $0.key == "max_seconds" }) {
            seconds = reader.positiveNumber(pair.value, "max_seconds", maximum: Self.maxSmokeSeconds)
            if seconds == nil { valid = false }
        }
        var cases: [SmokeCase]?
        if let pair = pairs.first(where: { $0.key == "cases" }) {
            cases = smokeCases(pair.value, "smoke_defaults.cases")
            if cases == nil { valid = false }
        }
        guard valid else { return nil }
        return SmokeDefaults(maxSeconds: seconds, cases: cases, location: reader.location(node))
    }

    /// A list of smoke cases (`smoke` of a version, `cases` of `smoke_defaults`), or nil (reported).
    func smokeCases(_ node: Node, _ field: String) -> [SmokeCase]? {
        guard let items = reader.list(node, field) else { return nil }
        if items.count > Self.maxSmokeCases {
            reader.report(node, "'\(field)' lists \(items.count) cases; the limit is \(Self.maxSmokeCases) (each is a prediction on every new version)")
            return nil
        }
        var cases: [SmokeCase] = []
        var valid = true
        for item in items {
            if let smoke = smokeCase(item, field) { cases.append(smoke) } else { valid = false }
        }
        return valid ? cases : nil
    }

    /// `{input: {…}, max_seconds: N, expect_output: …}`, or nil (reported).
    private func smokeCase(_ node: Node, _ field: String) -> SmokeCase? {
        guard let pairs = reader.mapping(node, "a smoke case") else { return nil }
        reader.checkKeys(pairs, allowed: Self.smokeCaseKeys, in: "a smoke case")
        var valid = true

        var input: (value: JSONValue, locations: ValueLocations)?
        if let pair = pairs.first(where: { $0.key == "input" }) {
            if let located = reader.locatedJSON(pair.value, "\(field).input") {
                if case .object = located.value {
                    input = located
                } else {
                    reader.report(pair.value, "a smoke case's 'input' must be a mapping (the prediction's input object), found \(NodeReader.describe(pair.value))")
                    valid = false
                }
            } else {
                valid = false
            }
        } else {
            reader.report(node, "missing required key 'input' in a smoke case (the prediction's input, a mapping)")
            valid = false
        }

        var seconds: Double?
        if let pair = pairs.first(where: { $0.key == "max_seconds" }) {
            seconds = reader.positiveNumber(pair.value, "max_seconds", maximum: Self.maxSmokeSeconds)
            if seconds == nil { valid = false }
        }

        var expected: (value: JSONValue, locations: ValueLocations)?
        if let pair = pairs.first(where: { $0.key == "expect_output" }) {
            if let located = reader.locatedJSON(pair.value, "\(field).expect_output") {
                expected = located
            } else {
                valid = false
            }
        }

        guard valid, let input else { return nil }
        return SmokeCase(
            input: input.value,
            maxSeconds: seconds,
            expectOutput: expected?.value,
            location: reader.location(node),
            inputLocations: input.locations,
            expectOutputLocations: expected?.locations
        )
    }
}
