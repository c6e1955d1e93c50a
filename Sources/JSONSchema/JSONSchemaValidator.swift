import WriftAIModels

/// A JSON Schema (draft 2020-12) compiled once, to validate any number of values cheaply.
///
/// ```swift
/// let validator = try JSONSchemaValidator(["type": "object", "required": ["prompt"]])
/// for violation in validator.validate(input) { print(violation) }  // (root): missing the required property "prompt"
/// ```
///
/// The keywords evaluated are those prediction schemas use (see docs/release-gate.md for the list and
/// the differences from the specification); unknown keywords are ignored, as the specification says,
/// and the few known ones this validator does not implement make the schema refused with a
/// ``SchemaError``. Work is bounded by ``Limits`` on the schema and on every validation, so a hostile
/// schema or value costs little. A value of this type is immutable and safe to share between tasks.
public struct JSONSchemaValidator: Sendable {
    /// Bounds on the schema and on each validation.
    public struct Limits: Sendable, Hashable {
        /// The most subschemas a schema may hold.
        public var maxSchemaNodes: Int
        /// The deepest nesting of subschemas, `$ref`s counted as a level.
        public var maxSchemaDepth: Int
        /// The deepest nesting of subschema applications during one validation (a recursive schema on a
        /// deeply nested value); deeper values are reported as a violation instead of evaluated.
        public var maxEvaluationDepth: Int
        /// The most subschema applications one validation may take before it stops and reports a
        /// violation (schemas whose `anyOf`s share `$ref`s can otherwise take exponential time).
        public var maxEvaluationSteps: Int
        /// The most violations one validation reports.
        public var maxViolations: Int

        /// Creates limits; the defaults are far beyond any prediction schema.
        public init(
            maxSchemaNodes: Int = 20_000,
            maxSchemaDepth: Int = 128,
            maxEvaluationDepth: Int = 256,
            maxEvaluationSteps: Int = 1_000_000,
            maxViolations: Int = 100
        ) {
            self.maxSchemaNodes = maxSchemaNodes
            self.maxSchemaDepth = maxSchemaDepth
            self.maxEvaluationDepth = maxEvaluationDepth
            self.maxEvaluationSteps = maxEvaluationSteps
            self.maxViolations = maxViolations
        }
    }

    /// The schema as given.
    public let schema: JSONValue
    /// The bounds in force.
    public let limits: Limits
    let compiled: CompiledSchema

    /// Compiles `schema`.
    ///
    /// - Throws: ``SchemaError`` when the schema is malformed, uses an unsupported keyword or a reference
    ///   outside itself, loops through `$ref`s without descending into the value, or exceeds `limits`.
    public init(_ schema: JSONValue, limits: Limits = Limits()) throws(SchemaError) {
        self.schema = schema
        self.limits = limits
        self.compiled = try SchemaCompiler.compile(schema, limits: limits)
    }

    /// Every way `value` fails the schema (up to ``Limits/maxViolations``); empty when it is valid.
    public func validate(_ value: JSONValue) -> [SchemaViolation] {
        var evaluator = SchemaEvaluator(schema: compiled, limits: limits, collecting: true)
        return evaluator.run(value)
    }

    /// Whether `value` satisfies the schema; stops at the first failure, so cheaper than ``validate(_:)``.
    public func isValid(_ value: JSONValue) -> Bool {
        var evaluator = SchemaEvaluator(schema: compiled, limits: limits, collecting: false)
        return evaluator.run(value).isEmpty
    }
}
