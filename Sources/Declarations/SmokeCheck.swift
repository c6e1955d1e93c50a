import WriftAIModels

/// A smoke case as it runs on one version: its own or the model's default case, with the time limit
/// resolved. What the release gate executes.
public struct SmokeCheck: Sendable, Equatable {
    /// Where a check comes from.
    public enum Origin: Sendable, Hashable {
        /// The version's own `smoke` list, at this position (from 0).
        case version(index: Int)
        /// The model's `smoke_defaults.cases`, at this position (from 0).
        case modelDefaults(index: Int)
    }

    /// The time limit when neither the case nor `smoke_defaults` gives `max_seconds`.
    public static let defaultMaxSeconds: Double = 60

    /// Which case this is.
    public var origin: Origin
    /// The prediction's input.
    public var input: JSONValue
    /// How long the prediction may take, from its creation to its end.
    public var timeLimit: Duration
    /// The exact output required, or `nil` when the output need only satisfy the output schema.
    public var expectedOutput: JSONValue?
    /// Where the case is declared.
    public var location: SourceLocation

    /// Creates a check.
    public init(origin: Origin, input: JSONValue, timeLimit: Duration, expectedOutput: JSONValue?, location: SourceLocation) {
        self.origin = origin
        self.input = input
        self.timeLimit = timeLimit
        self.expectedOutput = expectedOutput
        self.location = location
    }

    /// How failures name the case: `smoke case 2` or `smoke_defaults case 1` (counted from 1), with
    /// where it is declared.
    public var name: String {
        switch origin {
        case .version(let index): "smoke case \(index + 1) (\(location))"
        case .modelDefaults(let index): "smoke_defaults case \(index + 1) (\(location))"
        }
    }
}

extension ModelDeclaration {
    /// The smoke checks to run on `version` once it is created: its own `smoke` cases when it declares
    /// `smoke` (`[]` runs none), otherwise the model's `smoke_defaults.cases`; each case's `max_seconds`,
    /// else `smoke_defaults.max_seconds`, else ``SmokeCheck/defaultMaxSeconds``.
    public func smokeChecks(for version: VersionDeclaration) -> [SmokeCheck] {
        let defaultSeconds = smokeDefaults?.maxSeconds ?? SmokeCheck.defaultMaxSeconds
        func check(_ smoke: SmokeCase, _ origin: SmokeCheck.Origin) -> SmokeCheck {
            let seconds = smoke.maxSeconds ?? defaultSeconds
            return SmokeCheck(
                origin: origin,
                input: smoke.input,
                timeLimit: .milliseconds(Int64((seconds * 1000).rounded(.up))),
                expectedOutput: smoke.expectOutput,
                location: smoke.location
            )
        }
        if let own = version.smoke {
            return own.enumerated().map { check($1, .version(index: $0)) }
        }
        return (smokeDefaults?.cases ?? []).enumerated().map { check($1, .modelDefaults(index: $0)) }
    }
}
