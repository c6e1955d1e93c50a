/// Finds `$ref` loops that never descend into the validated value, such as `{"$ref": "#"}` at the root
/// or two `$defs` whose `allOf`s name each other: evaluating one would never end, so the schema is refused
/// when it is compiled instead.
enum ReferenceCycles {
    static func check(_ schema: CompiledSchema) throws(SchemaError) {
        enum Mark { case unvisited, onPath, done }
        var marks = Array(repeating: Mark.unvisited, count: schema.nodes.count)
        // An explicit stack: schemas can be deep, and the check must not be what overflows.
        for start in schema.nodes.indices where marks[start] == .unvisited {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            marks[start] = .onPath
            while let top = stack.last {
                let children = schema.nodes[top.node].keywords.inPlaceChildren
                if top.next < children.count {
                    stack[stack.count - 1].next += 1
                    let child = children[top.next]
                    switch marks[child] {
                    case .onPath:
                        let loop = stack.map(\.node).drop { $0 != child } + [child]
                        let names = loop.map { "#" + schema.nodes[$0].path.text }.joined(separator: " → ")
                        throw SchemaError(
                            .referenceCycle, at: schema.nodes[child].path,
                            "the schema refers back to itself without descending into the value (\(names)), so validating would never end")
                    case .unvisited:
                        marks[child] = .onPath
                        stack.append((child, 0))
                    case .done:
                        break
                    }
                } else {
                    marks[top.node] = .done
                    stack.removeLast()
                }
            }
        }
    }
}
