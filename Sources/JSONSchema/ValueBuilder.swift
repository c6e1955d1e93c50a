import WriftAIModels

/// One attempt of ``JSONSchemaGenerator``: builds a value for a conjunction of subschemas, choosing
/// branches and sizes from its seeded generator, within a budget of steps.
struct ValueBuilder {
    private let schema: CompiledSchema
    private let limits: JSONSchemaValidator.Limits
    private var random: SplitMix64
    private var budget = 4_000
    /// Why the last dead end was one, for the error when no attempt succeeds.
    private(set) var reason: String?

    /// Generation stops descending past this depth: recursive schemas must bottom out by then.
    static let maxDepth = 24

    init(schema: CompiledSchema, limits: JSONSchemaValidator.Limits, seed: UInt64) {
        self.schema = schema
        self.limits = limits
        self.random = SplitMix64(seed: seed)
    }

    // MARK: Conjunctions

    /// A value satisfying every subschema in `nodes`, or `nil`.
    mutating func build(_ nodes: [Int], depth: Int, decided: Set<Int> = []) -> JSONValue? {
        budget -= 1
        guard budget > 0 else {
            reason = reason ?? "the schema needs more work than the generator's budget"
            return nil
        }
        guard depth <= Self.maxDepth else {
            reason = reason ?? "the schema nests values deeper than \(Self.maxDepth) levels"
            return nil
        }
        let closure = conjunction(of: nodes)
        if let impossible = closure.first(where: { schema.nodes[$0].constant == false }) {
            reason = "\(schema.nodes[impossible].path): no value satisfies a false schema"
            return nil
        }
        // Decide one disjunction (anyOf, oneOf, if) at a time; the recursion decides the rest. A decision
        // is keyed by its node and kind, since one schema can hold all three.
        for node in closure {
            let keywords = schema.nodes[node].keywords
            for kind in 0..<3 where !decided.contains(node * 3 + kind) {
                var branches: [[Int]]
                switch kind {
                case 0: branches = keywords.anyOf.map { [$0] }
                case 1: branches = keywords.oneOf.map { [$0] }
                default:
                    guard let condition = keywords.ifSchema else { continue }
                    branches = [[condition] + (keywords.thenSchema.map { [$0] } ?? []), keywords.elseSchema.map { [$0] } ?? []]
                }
                guard !branches.isEmpty else { continue }
                branches = shuffled(branches)
                for branch in branches {
                    if let value = build(nodes + branch, depth: depth, decided: decided.union([node * 3 + kind])), matches(nodes, value) {
                        return value
                    }
                    if budget <= 0 { return nil }
                }
                reason = reason ?? "\(schema.nodes[node].path): no branch of its \(["anyOf", "oneOf", "if"][kind]) could be satisfied"
                return nil
            }
        }
        return fromConstraints(closure.map { schema.nodes[$0].keywords }, nodes: nodes, depth: depth)
    }

    /// `nodes` with everything they require of the same value: their `$ref` and `allOf` targets, again
    /// and again (the compiler has ruled out cycles along these edges).
    private func conjunction(of nodes: [Int]) -> [Int] {
        var seen = Set<Int>()
        var ordered: [Int] = []
        var pending = nodes
        while let node = pending.popLast() {
            guard seen.insert(node).inserted else { continue }
            ordered.append(node)
            let keywords = schema.nodes[node].keywords
            pending += keywords.allOf
            if let reference = keywords.reference { pending.append(reference) }
        }
        return ordered
    }

    /// Whether `value` satisfies every subschema in `nodes`.
    private func matches(_ nodes: [Int], _ value: JSONValue) -> Bool {
        nodes.allSatisfy { node in
            var evaluator = SchemaEvaluator(schema: schema, limits: limits, collecting: false)
            return evaluator.run(value, node: node).isEmpty
        }
    }

    // MARK: Values from gathered keywords

    private mutating func fromConstraints(_ all: [Keywords], nodes: [Int], depth: Int) -> JSONValue? {
        if let constant = all.first(where: \.hasConst)?.constValue {
            return matches(nodes, constant) ? constant : nil
        }
        if let values = all.first(where: { $0.enumValues != nil })?.enumValues {
            for value in shuffled(values) where matches(nodes, value) { return value }
            reason = "none of the enum values satisfies the rest of the schema"
            return nil
        }
        var admitted: JSONTypeSet = [.null, .boolean, .object, .array, .number, .integer, .string]
        for types in all.compactMap(\.types) {
            // A schema admitting `number` admits integers too.
            admitted = admitted.intersection(types.contains(.number) ? types.union(.integer) : types)
        }
        guard !admitted.isEmpty else {
            reason = "the schema's types exclude each other"
            return nil
        }
        for type in preferredTypes(admitted, all) {
            let candidate: JSONValue?
            switch type {
            case .null: candidate = .null
            case .boolean: candidate = .bool(random.next() & 1 == 0)
            case .integer: candidate = number(all, integer: true)
            case .number: candidate = number(all, integer: false)
            case .string: candidate = string(all)
            case .array: candidate = array(all, depth: depth)
            case .object: candidate = object(all, depth: depth)
            default: candidate = nil
            }
            if let candidate, matches(nodes, candidate) { return candidate }
            if budget <= 0 { return nil }
        }
        return nil
    }

    /// The admitted types, those the keywords hint at first (properties suggest an object, …).
    private mutating func preferredTypes(_ admitted: JSONTypeSet, _ all: [Keywords]) -> [JSONTypeSet] {
        var hinted: [JSONTypeSet] = []
        for keywords in all {
            if !keywords.properties.isEmpty || !keywords.required.isEmpty || keywords.additionalProperties != nil
                || keywords.minProperties != nil || !keywords.patternProperties.isEmpty
            {
                hinted.append(.object)
            }
            if keywords.items != nil || !keywords.prefixItems.isEmpty || keywords.minItems != nil || keywords.contains != nil {
                hinted.append(.array)
            }
            if keywords.pattern != nil || keywords.minLength != nil || keywords.maxLength != nil { hinted.append(.string) }
            if keywords.minimum != nil || keywords.maximum != nil || keywords.exclusiveMinimum != nil
                || keywords.exclusiveMaximum != nil || keywords.multipleOf != nil
            {
                hinted.append(.number)
            }
        }
        let everyType: [JSONTypeSet] = [.object, .array, .string, .integer, .number, .boolean, .null]
        var order: [JSONTypeSet] = []
        for type in hinted + shuffled(everyType) where admitted.contains(type) && !order.contains(type) {
            order.append(type)
        }
        return order
    }

    // MARK: Numbers

    private mutating func number(_ all: [Keywords], integer: Bool) -> JSONValue? {
        var lower: (value: Double, strict: Bool)?
        var upper: (value: Double, strict: Bool)?
        for keywords in all {
            if let minimum = keywords.minimum, lower.map({ minimum > $0.value }) ?? true { lower = (minimum, false) }
            if let bound = keywords.exclusiveMinimum, lower.map({ bound >= $0.value }) ?? true { lower = (bound, true) }
            if let maximum = keywords.maximum, upper.map({ maximum < $0.value }) ?? true { upper = (maximum, false) }
            if let bound = keywords.exclusiveMaximum, upper.map({ bound <= $0.value }) ?? true { upper = (bound, true) }
        }
        if let lower, let upper, lower.value > upper.value || (lower.value == upper.value && (lower.strict || upper.strict)) {
            reason = "the lower bound \(JSONNumber.text(lower.value)) is above the upper bound \(JSONNumber.text(upper.value))"
            return nil
        }
        let divisors = all.compactMap(\.multipleOf)
        if let divisor = divisors.first, let step = JSONNumber.Decimal(divisor) {
            // Multiples are built from the divisor's decimal digits, so that 3 × 0.1 is 0.3, not
            // 0.30000000000000004. For an integer a whole multiple is needed: the significand's.
            let (significand, exponent) = integer && step.exponent < 0 ? (step.significand, 0) : (step.significand, step.exponent)
            let width = Double(significand) * (Double("1e\(exponent)") ?? 1)
            let limit = 1e15 / Double(significand)
            func multiple(_ factor: Double) -> Double {
                Double("\(Int64(factor) * Int64(significand))e\(exponent)") ?? factor * width
            }
            func aboveLower(_ factor: Double) -> Bool {
                guard let lower else { return true }
                return lower.strict ? multiple(factor) > lower.value : multiple(factor) >= lower.value
            }
            func belowUpper(_ factor: Double) -> Bool {
                guard let upper else { return true }
                return upper.strict ? multiple(factor) < upper.value : multiple(factor) <= upper.value
            }
            var low: Double
            if let lower {
                low = (lower.value / width).rounded(.down) - 1
            } else if let upper {
                low = (upper.value / width).rounded(.down) - 1 - Double(random.next() % 4)
            } else {
                low = Double(random.next() % 5)
            }
            guard abs(low) < limit else { return nil }
            // The division above is close; a few steps settle it exactly on the decimal values.
            for _ in 0..<4 where !aboveLower(low) { low += 1 }
            var high = low + Double(random.next() % 4)
            if let upper {
                high = min(high, (upper.value / width).rounded(.up) + 1)
                guard abs(high) < limit else { return nil }
                for _ in 0..<4 where !belowUpper(high) { high -= 1 }
            }
            guard high >= low, aboveLower(low), belowUpper(high) else {
                reason = "no multiple of \(JSONNumber.text(divisor)) lies within the bounds"
                return nil
            }
            return .number(multiple(low + Double(random.next() % UInt64(min(4, high - low + 1)))))
        }
        if integer {
            var low = lower.map { $0.strict && $0.value.rounded(.up) == $0.value ? $0.value + 1 : $0.value.rounded(.up) }
            var high = upper.map { $0.strict && $0.value.rounded(.down) == $0.value ? $0.value - 1 : $0.value.rounded(.down) }
            if low == nil, high == nil { low = Double(random.next() % 10) }
            if low == nil, let high { low = high - Double(random.next() % 10) }
            if high == nil, let low { high = low + Double(random.next() % 10) }
            guard let low, let high, low <= high, abs(low) < 9e15 else {
                reason = "no integer lies within the bounds"
                return nil
            }
            return .number(low + Double(random.next() % UInt64(min(10, high - low + 1))))
        }
        let fraction = Double(random.next() % 100) / 100
        switch (lower, upper) {
        case let (lower?, upper?):
            let value = lower.value + (upper.value - lower.value) * (0.25 + fraction / 2)
            return .number(value > lower.value && value < upper.value ? value : (lower.value + upper.value) / 2)
        case let (lower?, nil):
            let value = lower.value + 1 + fraction
            return .number(value > lower.value ? value : lower.value.nextUp)
        case let (nil, upper?):
            let value = upper.value - 1 - fraction
            return .number(value < upper.value ? value : upper.value.nextDown)
        case (nil, nil):
            return .number(fraction == 0 ? 0.5 : fraction)
        }
    }

    // MARK: Strings

    private static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]

    private mutating func string(_ all: [Keywords]) -> JSONValue? {
        let minimum = all.compactMap(\.minLength).max() ?? 0
        let maximum = all.compactMap(\.maxLength).min()
        if let maximum, maximum < minimum {
            reason = "the minimum length \(minimum) is above the maximum length \(maximum)"
            return nil
        }
        let patterns = all.compactMap(\.pattern)
        func fits(_ text: String) -> Bool {
            let length = text.unicodeScalars.count
            return length >= minimum && maximum.map { length <= $0 } ?? true && patterns.allSatisfy { $0.matches(text) }
        }
        if let pattern = patterns.first {
            guard let generator = PatternStringGenerator(pattern.source) else {
                reason = "the pattern \(pattern.source) uses constructs the generator cannot build strings for"
                return nil
            }
            for extra in [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89] {
                var text = generator.generate(extra: extra, using: &random)
                if !generator.anchoredEnd, text.unicodeScalars.count < minimum {
                    text += String(repeating: "a", count: minimum - text.unicodeScalars.count)
                }
                if fits(text) { return .string(text) }
                if let maximum, text.unicodeScalars.count > maximum { break }
            }
            reason = "no string of \(minimum)\(maximum.map { "–\($0)" } ?? "+") characters matching \(pattern.source) was found"
            return nil
        }
        var text = Self.words[Int(random.next() % UInt64(Self.words.count))]
        while text.unicodeScalars.count < minimum { text += " " + Self.words[Int(random.next() % UInt64(Self.words.count))] }
        if let maximum, text.unicodeScalars.count > maximum { text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(maximum))) }
        return .string(text)
    }

    // MARK: Arrays

    private mutating func array(_ all: [Keywords], depth: Int) -> JSONValue? {
        let prefix = all.first(where: { !$0.prefixItems.isEmpty })?.prefixItems ?? []
        let itemSchemas = all.compactMap(\.items)
        let contains = all.compactMap { keywords in keywords.contains.map { ($0, keywords.minContains ?? 1) } }
        let minimum = max(all.compactMap(\.minItems).max() ?? 0, contains.map(\.1).reduce(0, +))
        let maximum = all.compactMap(\.maxItems).min()
        let unique = all.contains(where: \.uniqueItems)
        if let maximum, maximum < minimum {
            reason = "an array needs at least \(minimum) items but may have at most \(maximum)"
            return nil
        }
        // A little more than the minimum near the top, so outputs look like lists; none deep down.
        var count = minimum
        if depth < 3, random.next() % 2 == 0 { count += 1 }
        if let maximum { count = min(count, maximum) }
        let itemsForbidden = itemSchemas.contains { schema.nodes[$0].constant == false }
        if itemsForbidden { count = min(count, prefix.count) }

        var quota = contains.map { (schema: $0.0, left: $0.1) }
        var items: [JSONValue] = []
        for position in 0..<count {
            var nodes = position < prefix.count ? [prefix[position]] : itemSchemas
            if let slot = quota.firstIndex(where: { $0.left > 0 }) {
                nodes.append(quota[slot].schema)
                quota[slot].left -= 1
            }
            var item: JSONValue?
            for _ in 0..<(unique ? 8 : 1) {
                guard let candidate = build(nodes, depth: depth + 1) else { break }
                if !unique || !items.contains(candidate) {
                    item = candidate
                    break
                }
            }
            guard let item else {
                reason = reason ?? "no item \(position) could be generated"
                return nil
            }
            items.append(item)
        }
        return .array(items)
    }

    // MARK: Objects

    private mutating func object(_ all: [Keywords], depth: Int) -> JSONValue? {
        var names: [String] = []
        func add(_ name: String) {
            guard !names.contains(name) else { return }
            names.append(name)
        }
        for keywords in all { keywords.required.forEach(add) }
        // Properties the present ones require, until nothing more is added.
        var index = 0
        while index < names.count {
            for keywords in all {
                for (name, required) in keywords.dependentRequired where name == names[index] { required.forEach(add) }
            }
            index += 1
        }
        let requiredCount = names.count
        let declared = all.flatMap { $0.properties.map(\.name) }
        let optional = declared.filter { !names.contains($0) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for name in optional where depth < 3 && random.next() % 2 == 0 { add(name) }
        let minimum = all.compactMap(\.minProperties).max() ?? 0
        let maximum = all.compactMap(\.maxProperties).min()
        var synthetic = 0
        while names.count < minimum {
            if let next = optional.first(where: { !names.contains($0) }) {
                add(next)
            } else {
                // Letters only, as property-name patterns most often ask.
                let word = Self.words[synthetic % Self.words.count]
                add(synthetic < Self.words.count ? word : word + String(repeating: "x", count: synthetic / Self.words.count))
                synthetic += 1
            }
        }
        if let maximum, names.count > maximum {
            guard requiredCount <= maximum else {
                reason = "an object needs \(requiredCount) properties but may have at most \(maximum)"
                return nil
            }
            names = Array(names.prefix(max(maximum, requiredCount)))
        }
        var members: [String: JSONValue] = [:]
        for (position, name) in names.enumerated() {
            let nodes = memberSchemas(name, all)
            guard let value = build(nodes, depth: depth + 1) else {
                if position < requiredCount {
                    reason = reason ?? "the required property \(JSONValue.escaped(name)) could not be generated"
                    return nil
                }
                continue
            }
            members[name] = value
        }
        return .object(members)
    }

    /// The subschemas a member named `name` must satisfy: in each schema, its `properties` entry, else
    /// the `patternProperties` it matches, else `additionalProperties`.
    private func memberSchemas(_ name: String, _ all: [Keywords]) -> [Int] {
        var nodes: [Int] = []
        for keywords in all {
            if let schema = keywords.propertyIndex[name] {
                nodes.append(schema)
                continue
            }
            let matching = keywords.patternProperties.filter { $0.pattern.matches(name) }.map(\.schema)
            if !matching.isEmpty {
                nodes += matching
            } else if let additional = keywords.additionalProperties {
                nodes.append(additional)
            }
        }
        return nodes
    }

    // MARK: Randomness

    private mutating func shuffled<Element>(_ elements: [Element]) -> [Element] {
        var result = elements
        result.shuffle(using: &random)
        return result
    }
}
