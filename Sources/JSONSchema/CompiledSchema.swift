import WriftAIModels

/// A schema compiled into a flat table of nodes: every subschema once, `$ref`s resolved to the index of
/// their target, so that recursive schemas are finite and validation never looks anything up by name.
struct CompiledSchema: Sendable {
    /// Every subschema; children are referred to by index.
    var nodes: [SchemaNode]
    /// The index of the root schema.
    var root: Int
}

/// One subschema: a boolean schema, or the keywords of an object schema that this validator evaluates.
struct SchemaNode: Sendable {
    /// Where this subschema is in the document, e.g. `/properties/score`.
    var path: JSONPointer
    /// `true` or `false` as a schema, or `nil` for an object schema.
    var constant: Bool?
    /// The keywords of an object schema (empty for a boolean schema).
    var keywords = Keywords()
}

/// The evaluated keywords of one object schema; `nil` or empty means the keyword is absent.
struct Keywords: Sendable {
    // Any type.
    var types: JSONTypeSet?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var hasConst = false

    // Numbers.
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?
    var multipleOf: Double?

    // Strings.
    var minLength: Int?
    var maxLength: Int?
    var pattern: ECMAPattern?

    // Arrays.
    var prefixItems: [Int] = []
    var items: Int?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var contains: Int?
    var minContains: Int?
    var maxContains: Int?

    // Objects, properties in name order so that generation and messages are stable.
    var properties: [(name: String, schema: Int)] = []
    var propertyIndex: [String: Int] = [:]
    var patternProperties: [(pattern: ECMAPattern, schema: Int)] = []
    var additionalProperties: Int?
    var propertyNames: Int?
    var required: [String] = []
    var dependentRequired: [(name: String, required: [String])] = []
    var dependentSchemas: [(name: String, schema: Int)] = []
    var minProperties: Int?
    var maxProperties: Int?

    // Applicators on the same value.
    var reference: Int?
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var ifSchema: Int?
    var thenSchema: Int?
    var elseSchema: Int?

    /// The subschemas applied to the same value as this one (not to its items or members): the edges
    /// along which a `$ref` cycle would loop without end.
    var inPlaceChildren: [Int] {
        var children = allOf + anyOf + oneOf + dependentSchemas.map(\.schema)
        for child in [reference, not, ifSchema, thenSchema, elseSchema] {
            if let child { children.append(child) }
        }
        return children
    }
}
