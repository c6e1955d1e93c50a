import WriftAIModels

/// One validation of a value against a ``CompiledSchema``.
///
/// In collecting mode it records every violation; otherwise it stops at the first. Subschemas whose
/// failure is not itself a violation (the branches of `anyOf`, `oneOf`, `not`, `if`, `contains`) are
/// probed without collecting. A bound that is hit (steps, depth) stops everything and is reported as a
/// violation, so the value is never taken for valid.
struct SchemaEvaluator {
    private let nodes: [SchemaNode]
    private let root: Int
    private let limits: JSONSchemaValidator.Limits
    private var collecting: Bool
    private var steps = 0
    private var path: [JSONPointer.Component] = []
    private var violations: [SchemaViolation] = []
    private var stop: SchemaViolation?

    init(schema: CompiledSchema, limits: JSONSchemaValidator.Limits, collecting: Bool) {
        self.nodes = schema.nodes
        self.root = schema.root
        self.limits = limits
        self.collecting = collecting
    }

    /// The violations of `value` against the whole schema, or against the subschema `node`; empty when
    /// it is valid.
    mutating func run(_ value: JSONValue, node: Int? = nil) -> [SchemaViolation] {
        let valid = evaluate(node ?? root, value, depth: 0)
        if let stop { return Array(violations.prefix(limits.maxViolations - 1)) + [stop] }
        if valid { return [] }
        if violations.isEmpty {
            // Only in the non-collecting mode: the caller wants a yes or no.
            violations.append(SchemaViolation(instancePath: .root, keyword: "", schemaPath: .root, message: "does not match the schema"))
        }
        return violations
    }

    // MARK: Recording

    private var here: JSONPointer { JSONPointer(components: path) }

    private mutating func fail(_ node: Int, _ keyword: String, _ message: String) {
        guard collecting, violations.count < limits.maxViolations else { return }
        violations.append(
            SchemaViolation(
                instancePath: here,
                keyword: keyword,
                schemaPath: nodes[node].path.appending(.key(keyword)),
                message: message
            ))
    }

    private mutating func halt(_ node: Int, _ message: String) {
        guard stop == nil else { return }
        stop = SchemaViolation(instancePath: here, keyword: "limits", schemaPath: nodes[node].path, message: message)
    }

    /// Evaluates `node` on `value` without recording anything: whether it matches.
    private mutating func probe(_ node: Int, _ value: JSONValue, depth: Int) -> Bool {
        let wasCollecting = collecting
        collecting = false
        defer { collecting = wasCollecting }
        return evaluate(node, value, depth: depth)
    }

    /// Evaluates `node` on `value` and returns the violations it would record, leaving none behind.
    private mutating func explain(_ node: Int, _ value: JSONValue, depth: Int) -> [SchemaViolation] {
        let wasCollecting = collecting
        let kept = violations
        collecting = true
        violations = []
        _ = evaluate(node, value, depth: depth)
        let found = violations
        violations = kept
        collecting = wasCollecting
        return found
    }

    /// Evaluates `node` on the member or item `component` of the current value.
    private mutating func descend(_ node: Int, _ value: JSONValue, _ component: JSONPointer.Component, depth: Int) -> Bool {
        path.append(component)
        defer { path.removeLast() }
        return evaluate(node, value, depth: depth + 1)
    }

    // MARK: Evaluation

    // One function, long but flat: each keyword is a few lines, and splitting it would pass the same
    // state through a dozen helpers.
    private mutating func evaluate(_ index: Int, _ value: JSONValue, depth: Int) -> Bool {
        guard stop == nil else { return false }
        steps += 1
        guard steps <= limits.maxEvaluationSteps else {
            halt(index, "validation stopped after \(limits.maxEvaluationSteps) schema applications; the schema is too expensive to evaluate")
            return false
        }
        guard depth <= limits.maxEvaluationDepth else {
            halt(index, "validation stopped: the value is nested deeper than \(limits.maxEvaluationDepth) levels of the schema")
            return false
        }
        let node = nodes[index]
        if let constant = node.constant {
            if !constant { fail(index, "false", "no value is allowed here (the schema is false)") }
            return constant
        }
        let keywords = node.keywords
        var valid = true

        if let types = keywords.types, !types.admits(value) {
            valid = false
            fail(index, "type", "expected \(types.description), found \(value.kindDescription)")
            if !collecting { return false }
        }
        if let values = keywords.enumValues, !values.contains(value) {
            valid = false
            let listed = values.prefix(5).map { $0.quoted(limit: 30) }.joined(separator: ", ") + (values.count > 5 ? ", …" : "")
            fail(index, "enum", "\(value.quoted()) is not one of \(listed)")
            if !collecting { return false }
        }
        if keywords.hasConst, let constant = keywords.constValue, constant != value {
            valid = false
            fail(index, "const", "expected the constant \(constant.quoted()), found \(value.quoted())")
            if !collecting { return false }
        }

        switch value {
        case .number(let number):
            let text = JSONNumber.text(number)
            if let minimum = keywords.minimum, number < minimum {
                valid = false
                fail(index, "minimum", "\(text) is less than the minimum \(JSONNumber.text(minimum))")
                if !collecting { return false }
            }
            if let maximum = keywords.maximum, number > maximum {
                valid = false
                fail(index, "maximum", "\(text) is more than the maximum \(JSONNumber.text(maximum))")
                if !collecting { return false }
            }
            if let bound = keywords.exclusiveMinimum, number <= bound {
                valid = false
                fail(index, "exclusiveMinimum", "\(text) is not more than the exclusive minimum \(JSONNumber.text(bound))")
                if !collecting { return false }
            }
            if let bound = keywords.exclusiveMaximum, number >= bound {
                valid = false
                fail(index, "exclusiveMaximum", "\(text) is not less than the exclusive maximum \(JSONNumber.text(bound))")
                if !collecting { return false }
            }
            if let divisor = keywords.multipleOf, !JSONNumber.isMultiple(number, of: divisor) {
                valid = false
                fail(index, "multipleOf", "\(text) is not a multiple of \(JSONNumber.text(divisor))")
                if !collecting { return false }
            }

        case .string(let string):
            if keywords.minLength != nil || keywords.maxLength != nil {
                // Lengths in Unicode code points, as the specification counts them.
                let length = string.unicodeScalars.count
                if let minimum = keywords.minLength, length < minimum {
                    valid = false
                    fail(index, "minLength", "\(value.quoted()) is \(Self.characters(length)) long, shorter than the minimum length \(minimum)")
                    if !collecting { return false }
                }
                if let maximum = keywords.maxLength, length > maximum {
                    valid = false
                    fail(index, "maxLength", "\(value.quoted()) is \(Self.characters(length)) long, longer than the maximum length \(maximum)")
                    if !collecting { return false }
                }
            }
            if let pattern = keywords.pattern, !pattern.matches(string) {
                valid = false
                fail(index, "pattern", "\(value.quoted()) does not match the pattern \(pattern.source)")
                if !collecting { return false }
            }

        case .array(let items):
            if let minimum = keywords.minItems, items.count < minimum {
                valid = false
                fail(index, "minItems", "has \(Self.count(items.count, "item")); at least \(minimum) \(minimum == 1 ? "is" : "are") required")
                if !collecting { return false }
            }
            if let maximum = keywords.maxItems, items.count > maximum {
                valid = false
                fail(index, "maxItems", "has \(Self.count(items.count, "item")); at most \(maximum) \(maximum == 1 ? "is" : "are") allowed")
                if !collecting { return false }
            }
            if keywords.uniqueItems, let (first, second) = Self.firstDuplicate(items) {
                valid = false
                fail(index, "uniqueItems", "items \(first) and \(second) are equal (\(items[second].quoted(limit: 40))); every item must be unique")
                if !collecting { return false }
            }
            for (position, schema) in zip(items.indices, keywords.prefixItems) {
                if !descend(schema, items[position], .index(position), depth: depth) {
                    valid = false
                    if !collecting { return false }
                }
            }
            if let schema = keywords.items, items.count > keywords.prefixItems.count {
                if nodes[schema].constant == false {
                    valid = false
                    let allowed = keywords.prefixItems.count
                    fail(index, "items", "has \(Self.count(items.count, "item")); only \(allowed) \(allowed == 1 ? "is" : "are") allowed (items is false)")
                    if !collecting { return false }
                } else {
                    for position in keywords.prefixItems.count..<items.count {
                        if !descend(schema, items[position], .index(position), depth: depth) {
                            valid = false
                            if !collecting { return false }
                        }
                    }
                }
            }
            if let schema = keywords.contains {
                let minimum = keywords.minContains ?? 1
                var matches = 0
                for (position, item) in items.enumerated() {
                    path.append(.index(position))
                    if probe(schema, item, depth: depth + 1) { matches += 1 }
                    path.removeLast()
                    if stop != nil { return false }
                }
                if matches < minimum {
                    valid = false
                    fail(index, "contains", "has \(Self.count(matches, "item")) matching the 'contains' schema; at least \(minimum) \(minimum == 1 ? "is" : "are") required")
                    if !collecting { return false }
                }
                if let maximum = keywords.maxContains, matches > maximum {
                    valid = false
                    fail(index, "maxContains", "has \(Self.count(matches, "item")) matching the 'contains' schema; at most \(maximum) \(maximum == 1 ? "is" : "are") allowed")
                    if !collecting { return false }
                }
            }

        case .object(let members):
            for name in keywords.required where members[name] == nil {
                valid = false
                fail(index, "required", "missing the required property \(JSONValue.escaped(name))")
                if !collecting { return false }
            }
            for (name, required) in keywords.dependentRequired where members[name] != nil {
                for other in required where members[other] == nil {
                    valid = false
                    fail(index, "dependentRequired", "has the property \(JSONValue.escaped(name)), which requires the property \(JSONValue.escaped(other))")
                    if !collecting { return false }
                }
            }
            if let minimum = keywords.minProperties, members.count < minimum {
                valid = false
                fail(index, "minProperties", "has \(Self.count(members.count, "property")); at least \(minimum) \(minimum == 1 ? "is" : "are") required")
                if !collecting { return false }
            }
            if let maximum = keywords.maxProperties, members.count > maximum {
                valid = false
                fail(index, "maxProperties", "has \(Self.count(members.count, "property")); at most \(maximum) \(maximum == 1 ? "is" : "are") allowed")
                if !collecting { return false }
            }
            let checksMembers = !keywords.properties.isEmpty || !keywords.patternProperties.isEmpty
                || keywords.additionalProperties != nil || keywords.propertyNames != nil
            if checksMembers {
                // Sorted, so that violations come out in the same order every time.
                for name in members.keys.sorted() {
                    let member = members[name] ?? .null
                    if let schema = keywords.propertyNames, !descend(schema, .string(name), .key(name), depth: depth) {
                        valid = false
                        if !collecting { return false }
                    }
                    var matched = false
                    if let schema = keywords.propertyIndex[name] {
                        matched = true
                        if !descend(schema, member, .key(name), depth: depth) {
                            valid = false
                            if !collecting { return false }
                        }
                    }
                    for (pattern, schema) in keywords.patternProperties where pattern.matches(name) {
                        matched = true
                        if !descend(schema, member, .key(name), depth: depth) {
                            valid = false
                            if !collecting { return false }
                        }
                    }
                    guard !matched, let schema = keywords.additionalProperties else { continue }
                    if nodes[schema].constant == false {
                        valid = false
                        path.append(.key(name))
                        fail(index, "additionalProperties", "the property \(JSONValue.escaped(name)) is not allowed (additionalProperties is false)")
                        path.removeLast()
                        if !collecting { return false }
                    } else if !descend(schema, member, .key(name), depth: depth) {
                        valid = false
                        if !collecting { return false }
                    }
                }
            }
            for (name, schema) in keywords.dependentSchemas where members[name] != nil {
                if !evaluate(schema, value, depth: depth + 1) {
                    valid = false
                    if !collecting { return false }
                }
            }

        case .null, .bool:
            break
        }

        if let target = keywords.reference, !evaluate(target, value, depth: depth + 1) {
            valid = false
            if !collecting { return false }
        }
        for schema in keywords.allOf where !evaluate(schema, value, depth: depth + 1) {
            valid = false
            if !collecting { return false }
        }
        if !keywords.anyOf.isEmpty {
            var matched = false
            for schema in keywords.anyOf where probe(schema, value, depth: depth + 1) {
                matched = true
                break
            }
            if stop != nil { return false }
            if !matched {
                valid = false
                if collecting {
                    fail(index, "anyOf", "matches none of the \(keywords.anyOf.count) alternatives of anyOf: \(reasons(keywords.anyOf, value, depth: depth))")
                }
                if !collecting { return false }
            }
        }
        if !keywords.oneOf.isEmpty {
            var matching: [Int] = []
            for (position, schema) in keywords.oneOf.enumerated() where probe(schema, value, depth: depth + 1) {
                matching.append(position)
                if matching.count == 2 { break }
            }
            if stop != nil { return false }
            if matching.count != 1 {
                valid = false
                if collecting {
                    if matching.isEmpty {
                        fail(index, "oneOf", "matches none of the \(keywords.oneOf.count) alternatives of oneOf: \(reasons(keywords.oneOf, value, depth: depth))")
                    } else {
                        fail(index, "oneOf", "matches more than one alternative of oneOf (\(matching[0]) and \(matching[1])); exactly one must match")
                    }
                }
                if !collecting { return false }
            }
        }
        if let schema = keywords.not {
            let matched = probe(schema, value, depth: depth + 1)
            if stop != nil { return false }
            if matched {
                valid = false
                fail(index, "not", "must not match the schema under 'not'")
                if !collecting { return false }
            }
        }
        if let condition = keywords.ifSchema {
            let holds = probe(condition, value, depth: depth + 1)
            if stop != nil { return false }
            if let branch = holds ? keywords.thenSchema : keywords.elseSchema, !evaluate(branch, value, depth: depth + 1) {
                valid = false
                if !collecting { return false }
            }
        }
        return valid
    }

    /// Why each of the first alternatives fails, in one line: `0) expected a string, found …; 1) …`.
    private mutating func reasons(_ alternatives: [Int], _ value: JSONValue, depth: Int) -> String {
        var parts: [String] = []
        for (position, schema) in alternatives.prefix(3).enumerated() {
            let found = explain(schema, value, depth: depth + 1)
            guard let first = found.first else { continue }
            let prefix = first.instancePath == here ? "" : "\(first.instancePath): "
            parts.append("\(position)) \(prefix)\(first.message)")
        }
        if alternatives.count > 3 { parts.append("…") }
        return parts.joined(separator: "; ")
    }

    /// The positions of the first two equal items, in linear time (equality is JSON's: `1` equals `1.0`,
    /// `true` does not equal `1`, and key order does not matter).
    private static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        var seen: [JSONValue: Int] = [:]
        for (position, item) in items.enumerated() {
            if let first = seen[item] { return (first, position) }
            seen[item] = position
        }
        return nil
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        if number == 1 { return "1 \(noun)" }
        return noun.hasSuffix("y") ? "\(number) \(noun.dropLast())ies" : "\(number) \(noun)s"
    }

    private static func characters(_ number: Int) -> String {
        number == 1 ? "1 character" : "\(number) characters"
    }
}
