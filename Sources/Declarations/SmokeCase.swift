import JSONSchema
import WriftAIModels

/// One declared smoke case: a prediction to run on a new version before it may take over, with how long
/// it may take and, optionally, the exact output it must give.
///
/// ```yaml
/// smoke:
///   - input: {prompt: "Hello"}
///     max_seconds: 30
///     expect_output: "Hi"
/// ```
public struct SmokeCase: Sendable, Equatable {
    /// The prediction's input, a JSON object (checked against the version's input schema by `validate`).
    public var input: JSONValue
    /// `max_seconds`: how long the prediction may take; `nil` uses the model's `smoke_defaults` or
    /// ``SmokeCheck/defaultMaxSeconds``.
    public var maxSeconds: Double?
    /// `expect_output`: the exact output required (compared as JSON values: key order and `1` versus
    /// `1.0` do not matter); `nil` when not given, then the output must only satisfy the output schema.
    /// `expect_output: null` is `.some(.null)`: the output must be `null`.
    public var expectOutput: JSONValue?
    /// Where the case's list item starts.
    public var location: SourceLocation
    /// Where each part of `input` is in the file.
    public var inputLocations: ValueLocations
    /// Where each part of `expect_output` is, when it is given.
    public var expectOutputLocations: ValueLocations?

    /// Creates a case.
    public init(
        input: JSONValue,
        maxSeconds: Double? = nil,
        expectOutput: JSONValue? = nil,
        location: SourceLocation,
        inputLocations: ValueLocations? = nil,
        expectOutputLocations: ValueLocations? = nil
    ) {
        self.input = input
        self.maxSeconds = maxSeconds
        self.expectOutput = expectOutput
        self.location = location
        self.inputLocations = inputLocations ?? ValueLocations(root: location)
        self.expectOutputLocations = expectOutputLocations ?? expectOutput.map { _ in ValueLocations(root: location) }
    }
}

/// `smoke_defaults` of a model.
public struct SmokeDefaults: Sendable, Equatable {
    /// `max_seconds` for every case of the model's versions that gives none.
    public var maxSeconds: Double?
    /// `cases`: run on every version of the model that declares no `smoke` of its own; `nil` when not
    /// given.
    public var cases: [SmokeCase]?
    /// Where `smoke_defaults` is.
    public var location: SourceLocation

    /// Creates defaults.
    public init(maxSeconds: Double? = nil, cases: [SmokeCase]? = nil, location: SourceLocation) {
        self.maxSeconds = maxSeconds
        self.cases = cases
        self.location = location
    }
}
