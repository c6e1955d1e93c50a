import Foundation
import WriftAIModels

/// Compiles a JSON Schema document into a ``CompiledSchema``, checking every keyword it evaluates and
/// refusing what it cannot evaluate faithfully.
struct SchemaCompiler {
    /// Keywords of draft 2020-12 that this validator does not implement: a schema that uses them is
    /// refused rather than half-checked.
    static let unsupportedKeywords: [String: String] = [
        "unevaluatedProperties": "use additionalProperties",
        "unevaluatedItems": "use items",
        "$dynamicRef": "use $ref to #/$defs/…",
        "$recursiveRef": "use $ref to #/$defs/…",
    ]

    private let document: JSONValue
    private let limits: JSONSchemaValidator.Limits
    /// The root's `$id` without a fragment: a `$ref` that starts with it points into this document.
    private let baseID: String?
    private var nodes: [SchemaNode] = []
    private var indexByPath: [JSONPointer: Int] = [:]

    init(document: JSONValue, limits: JSONSchemaValidator.Limits) {
        self.document = document
        self.limits = limits
        if let id = document["$id"]?.stringValue {
            baseID = String(id.prefix { $0 != "#" })
        } else {
            baseID = nil
        }
    }

    /// Compiles the whole document.
    static func compile(_ document: JSONValue, limits: JSONSchemaValidator.Limits) throws(SchemaError) -> CompiledSchema {
        var compiler = SchemaCompiler(document: document, limits: limits)
        let root = try compiler.compile(document, at: .root, depth: 0)
        let compiled = CompiledSchema(nodes: compiler.nodes, root: root)
        try ReferenceCycles.check(compiled)
        return compiled
    }

    /// The node of the subschema `value` found at `path`, compiled once however often it is reached.
    private mutating func compile(_ value: JSONValue, at path: JSONPointer, depth: Int) throws(SchemaError) -> Int {
        if let index = indexByPath[path] { return index }
        guard depth <= limits.maxSchemaDepth else {
            throw SchemaError(.tooLarge, at: path, "nested more than \(limits.maxSchemaDepth) levels deep (counting $refs)")
        }
        guard nodes.count < limits.maxSchemaNodes else {
            throw SchemaError(.tooLarge, at: path, "more than \(limits.maxSchemaNodes) subschemas")
        }
        let index = nodes.count
        indexByPath[path] = index
        switch value {
        case .bool(let constant):
            nodes.append(SchemaNode(path: path, constant: constant))
        case .object(let members):
            // Reserved before the children, so that a `$ref` back to this schema finds its index.
            nodes.append(SchemaNode(path: path, constant: nil))
            nodes[index].keywords = try keywords(members, at: path, depth: depth)
        default:
            throw SchemaError(.malformed, at: path, "a schema must be an object or a boolean, found \(value.kindDescription)")
        }
        return index
    }

    private mutating func keywords(_ members: [String: JSONValue], at path: JSONPointer, depth: Int) throws(SchemaError) -> Keywords {
        for (keyword, advice) in Self.unsupportedKeywords where members[keyword] != nil {
            throw SchemaError(.unsupported, at: path.appending(.key(keyword)), "'\(keyword)' is not supported; \(advice)")
        }
        var keywords = Keywords()
        func here(_ keyword: String) -> JSONPointer { path.appending(.key(keyword)) }
        func child(_ keyword: String) -> JSONPointer { here(keyword) }

        if let value = members["type"] { keywords.types = try types(value, at: here("type")) }
        if let value = members["enum"] {
            guard let values = value.arrayValue else {
                throw SchemaError(.malformed, at: here("enum"), "must be an array, found \(value.kindDescription)")
            }
            keywords.enumValues = values
        }
        if let value = members["const"] {
            keywords.constValue = value
            keywords.hasConst = true
        }

        keywords.minimum = try number(members["minimum"], at: here("minimum"))
        keywords.maximum = try number(members["maximum"], at: here("maximum"))
        keywords.exclusiveMinimum = try number(members["exclusiveMinimum"], at: here("exclusiveMinimum"))
        keywords.exclusiveMaximum = try number(members["exclusiveMaximum"], at: here("exclusiveMaximum"))
        if let divisor = try number(members["multipleOf"], at: here("multipleOf")) {
            guard divisor > 0 else {
                throw SchemaError(.malformed, at: here("multipleOf"), "must be more than 0, found \(JSONNumber.text(divisor))")
            }
            keywords.multipleOf = divisor
        }

        keywords.minLength = try count(members["minLength"], at: here("minLength"))
        keywords.maxLength = try count(members["maxLength"], at: here("maxLength"))
        if let value = members["pattern"] { keywords.pattern = try pattern(value, at: here("pattern")) }

        keywords.minItems = try count(members["minItems"], at: here("minItems"))
        keywords.maxItems = try count(members["maxItems"], at: here("maxItems"))
        if let value = members["uniqueItems"] { keywords.uniqueItems = try bool(value, at: here("uniqueItems")) }
        if let value = members["prefixItems"] {
            keywords.prefixItems = try schemaList(value, at: here("prefixItems"), depth: depth, allowEmpty: true)
        }
        if let value = members["items"] {
            if value.arrayValue != nil {
                throw SchemaError(
                    .malformed, at: here("items"),
                    "in draft 2020-12 'items' takes one schema for every item; a list of schemas, one per position, is 'prefixItems'")
            }
            keywords.items = try compile(value, at: child("items"), depth: depth + 1)
        }
        if let value = members["contains"] {
            keywords.contains = try compile(value, at: child("contains"), depth: depth + 1)
            keywords.minContains = try count(members["minContains"], at: here("minContains"))
            keywords.maxContains = try count(members["maxContains"], at: here("maxContains"))
        }

        if let value = members["properties"] {
            let entries = try schemaMap(value, at: here("properties"), depth: depth)
            keywords.properties = entries
            keywords.propertyIndex = Dictionary(entries.map { ($0.name, $0.schema) }, uniquingKeysWith: { first, _ in first })
        }
        if let value = members["patternProperties"] {
            let entries = try schemaMap(value, at: here("patternProperties"), depth: depth)
            var compiled: [(pattern: ECMAPattern, schema: Int)] = []
            for entry in entries {
                compiled.append((try pattern(.string(entry.name), at: here("patternProperties").appending(.key(entry.name))), entry.schema))
            }
            keywords.patternProperties = compiled
        }
        if let value = members["additionalProperties"] {
            keywords.additionalProperties = try compile(value, at: child("additionalProperties"), depth: depth + 1)
        }
        if let value = members["propertyNames"] {
            keywords.propertyNames = try compile(value, at: child("propertyNames"), depth: depth + 1)
        }
        if let value = members["required"] { keywords.required = try strings(value, at: here("required")) }
        if let value = members["dependentRequired"] {
            guard let object = value.objectValue else {
                throw SchemaError(.malformed, at: here("dependentRequired"), "must be an object, found \(value.kindDescription)")
            }
            for name in object.keys.sorted() {
                let required = try strings(object[name] ?? .null, at: here("dependentRequired").appending(.key(name)))
                keywords.dependentRequired.append((name, required))
            }
        }
        if let value = members["dependentSchemas"] {
            keywords.dependentSchemas = try schemaMap(value, at: here("dependentSchemas"), depth: depth)
        }
        keywords.minProperties = try count(members["minProperties"], at: here("minProperties"))
        keywords.maxProperties = try count(members["maxProperties"], at: here("maxProperties"))

        if let value = members["$ref"] { keywords.reference = try reference(value, at: here("$ref"), depth: depth) }
        if let value = members["allOf"] { keywords.allOf = try schemaList(value, at: here("allOf"), depth: depth, allowEmpty: false) }
        if let value = members["anyOf"] { keywords.anyOf = try schemaList(value, at: here("anyOf"), depth: depth, allowEmpty: false) }
        if let value = members["oneOf"] { keywords.oneOf = try schemaList(value, at: here("oneOf"), depth: depth, allowEmpty: false) }
        if let value = members["not"] { keywords.not = try compile(value, at: child("not"), depth: depth + 1) }
        // `then` and `else` mean nothing without `if`, as the specification says.
        if let value = members["if"] {
            keywords.ifSchema = try compile(value, at: child("if"), depth: depth + 1)
            if let then = members["then"] { keywords.thenSchema = try compile(then, at: child("then"), depth: depth + 1) }
            if let otherwise = members["else"] { keywords.elseSchema = try compile(otherwise, at: child("else"), depth: depth + 1) }
        }
        return keywords
    }

    // MARK: Keyword values

    private func types(_ value: JSONValue, at path: JSONPointer) throws(SchemaError) -> JSONTypeSet {
        func one(_ name: String) throws(SchemaError) -> JSONTypeSet {
            guard let type = JSONTypeSet.named.first(where: { $0.name == name })?.type else {
                let names = JSONTypeSet.named.map(\.name).joined(separator: ", ")
                throw SchemaError(.malformed, at: path, "unknown type \(JSONValue.escaped(name)); the types are \(names)")
            }
            return type
        }
        switch value {
        case .string(let name):
            return try one(name)
        case .array(let names):
            var set: JSONTypeSet = []
            for name in names {
                guard let text = name.stringValue else {
                    throw SchemaError(.malformed, at: path, "must list type names, found \(name.kindDescription)")
                }
                set.formUnion(try one(text))
            }
            return set
        default:
            throw SchemaError(.malformed, at: path, "must be a type name or a list of them, found \(value.kindDescription)")
        }
    }

    private func number(_ value: JSONValue?, at path: JSONPointer) throws(SchemaError) -> Double? {
        guard let value else { return nil }
        guard let number = value.numberValue else {
            throw SchemaError(.malformed, at: path, "must be a number, found \(value.kindDescription)")
        }
        return number
    }

    /// A non-negative integer keyword; `2.0` counts as 2, as JSON Schema's integers do.
    private func count(_ value: JSONValue?, at path: JSONPointer) throws(SchemaError) -> Int? {
        guard let value else { return nil }
        guard let number = value.numberValue, JSONNumber.isInteger(number), number >= 0 else {
            throw SchemaError(.malformed, at: path, "must be a whole number of 0 or more, found \(value.kindDescription)")
        }
        return number >= Double(Int.max) ? Int.max : Int(number)
    }

    private func bool(_ value: JSONValue, at path: JSONPointer) throws(SchemaError) -> Bool {
        guard let bool = value.boolValue else {
            throw SchemaError(.malformed, at: path, "must be true or false, found \(value.kindDescription)")
        }
        return bool
    }

    private func strings(_ value: JSONValue, at path: JSONPointer) throws(SchemaError) -> [String] {
        guard let items = value.arrayValue else {
            throw SchemaError(.malformed, at: path, "must be an array of property names, found \(value.kindDescription)")
        }
        var names: [String] = []
        for item in items {
            guard let name = item.stringValue else {
                throw SchemaError(.malformed, at: path, "must list property names (strings), found \(item.kindDescription)")
            }
            names.append(name)
        }
        return names
    }

    private func pattern(_ value: JSONValue, at path: JSONPointer) throws(SchemaError) -> ECMAPattern {
        guard let source = value.stringValue else {
            throw SchemaError(.malformed, at: path, "must be a regular expression (a string), found \(value.kindDescription)")
        }
        do {
            return try ECMAPattern(source)
        } catch {
            throw SchemaError(.malformed, at: path, "\(JSONValue.escaped(source)) is \(error.reason)")
        }
    }

    private mutating func schemaList(_ value: JSONValue, at path: JSONPointer, depth: Int, allowEmpty: Bool) throws(SchemaError) -> [Int] {
        guard let items = value.arrayValue, allowEmpty || !items.isEmpty else {
            throw SchemaError(.malformed, at: path, "must be a\(allowEmpty ? "n" : " non-empty") array of schemas, found \(value.kindDescription)")
        }
        var indices: [Int] = []
        for (position, item) in items.enumerated() {
            indices.append(try compile(item, at: path.appending(.index(position)), depth: depth + 1))
        }
        return indices
    }

    private mutating func schemaMap(_ value: JSONValue, at path: JSONPointer, depth: Int) throws(SchemaError) -> [(name: String, schema: Int)] {
        guard let object = value.objectValue else {
            throw SchemaError(.malformed, at: path, "must be an object of schemas, found \(value.kindDescription)")
        }
        var entries: [(name: String, schema: Int)] = []
        for name in object.keys.sorted() {
            entries.append((name, try compile(object[name] ?? .null, at: path.appending(.key(name)), depth: depth + 1)))
        }
        return entries
    }

    /// Resolves a `$ref` inside this document (`#`, `#/…`, or the root's `$id` followed by either) and
    /// compiles its target.
    private mutating func reference(_ value: JSONValue, at path: JSONPointer, depth: Int) throws(SchemaError) -> Int {
        guard var text = value.stringValue else {
            throw SchemaError(.malformed, at: path, "must be a string, found \(value.kindDescription)")
        }
        if let baseID, !baseID.isEmpty, text.hasPrefix(baseID) {
            text.removeFirst(baseID.count)
        }
        guard text.hasPrefix("#") else {
            throw SchemaError(
                .unsupported, at: path,
                "\(JSONValue.escaped(text)) points outside this schema; only references within it are supported (put the schema under $defs and use \"#/$defs/NAME\")")
        }
        let fragment = String(text.dropFirst()).removingPercentEncoding ?? String(text.dropFirst())
        guard let pointer = JSONPointer(parsing: fragment) else {
            throw SchemaError(
                .unsupported, at: path,
                "\(JSONValue.escaped(text)) is not a JSON pointer; anchors are not supported (use \"#/$defs/NAME\")")
        }
        var target = document
        var resolved: [JSONPointer.Component] = []
        for component in pointer.components {
            guard case .key(let key) = component else { continue }
            switch target {
            case .object(let members) where members[key] != nil:
                target = members[key] ?? .null
                resolved.append(.key(key))
            case .array(let items) where Int(key).map(items.indices.contains) == true:
                let position = Int(key) ?? 0
                target = items[position]
                resolved.append(.index(position))
            default:
                throw SchemaError(.malformed, at: path, "\(JSONValue.escaped(text)) points to nothing in this schema")
            }
        }
        return try compile(target, at: JSONPointer(components: resolved), depth: depth + 1)
    }
}
