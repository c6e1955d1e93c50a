// libyaml, as bundled by Yams (its C target): the event stream is what lets this check run without
// building a tree, so that nothing unbounded happens before the bounds are known to hold.
import CYaml

/// A pass over a file's YAML events, before Yams composes it into nodes, that refuses what would make
/// composing costly: nesting deeper than the limit (Yams composes recursively), more nodes than the limit once
/// aliases are expanded (a "billion laughs": Yams shares aliased nodes, but hashing an aliased mapping key, or
/// any walk of the tree, visits every expanded node), and more text repeated by aliases than the limit (one
/// alias of a long scalar is one node, but encoding the declarations copies its text each time). Exact where
/// the text checks are only a cheap first gate: quotes, comments and block scalars are libyaml's to
/// understand, not ours.
enum EventPreflight {
    /// What the pass found: the first place where a bound is broken, with the message (nil if within bounds,
    /// or if the YAML is malformed before any bound is broken: Yams then reports the syntax error at its
    /// place), and what it counted until it ended.
    struct Outcome {
        var problem: (line: Int, column: Int, message: String)?
        /// Nodes, aliases expanded.
        var nodes: Int
        /// Bytes of scalar text that aliases repeat: each alias costs the text of what it expands to.
        var aliasedBytes: Int
    }

    static func check(_ text: String, maxDepth: Int, maxNodes: Int, maxAliasedBytes: Int) -> Outcome {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return Outcome(problem: nil, nodes: 0, aliasedBytes: 0) }
        var walk = Walk(maxDepth: maxDepth, maxNodes: maxNodes, maxAliasedBytes: maxAliasedBytes)
        let problem = bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int, message: String)? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // libyaml's own nesting limit (1000 levels, met while its scanner reads ahead): the
                    // same bound as ours in effect, so the same words.
                    guard let problem = parser.problem, String(cString: problem).hasPrefix("Maximum nesting level") else { return nil }
                    return (Int(parser.problem_mark.line) + 1, Int(parser.problem_mark.column) + 1, Walk.nestingMessage(maxDepth))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let problem = walk.step(event) { return problem }
            }
        }
        return Outcome(problem: problem, nodes: walk.total.nodes, aliasedBytes: walk.aliasedBytes)
    }

    /// The expanded size of a node: its nodes, and the bytes of its scalars' text.
    private struct Size {
        var nodes = 0
        var bytes = 0

        static func += (lhs: inout Size, rhs: Size) {
            lhs.nodes += rhs.nodes
            lhs.bytes += rhs.bytes
        }
    }

    /// The state of the pass: open collections (with their expanded sizes so far) and anchored sizes.
    private struct Walk {
        let maxDepth: Int
        let maxNodes: Int
        let maxAliasedBytes: Int
        /// Open collections, innermost last: the anchor each will register, and its expanded size so far.
        var open: [(anchor: String?, size: Size)] = []
        /// Expanded size of each anchored node (a later anchor of the same name replaces the earlier). Not
        /// reset between documents: Yams resolves an alias to an anchor of an earlier document too.
        var anchors: [String: Size] = [:]
        /// Expanded nodes (and scalar bytes) in the file so far, across documents (the NodeReader budget is
        /// per file too).
        var total = Size()
        /// Scalar bytes that aliases repeated so far.
        var aliasedBytes = 0

        mutating func step(_ event: yaml_event_t) -> (line: Int, column: Int, message: String)? {
            let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
            switch event.type {
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < maxDepth else {
                    return (line, column, Self.nestingMessage(maxDepth))
                }
                let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append((Self.string(anchor), Size(nodes: 1)))
                return count(Size(nodes: 1), line, column, alias: false)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                if let anchor = closed.anchor { anchors[anchor] = closed.size }
                if !open.isEmpty { open[open.count - 1].size += closed.size }
            case YAML_SCALAR_EVENT:
                let size = Size(nodes: 1, bytes: event.data.scalar.length)
                if let anchor = Self.string(event.data.scalar.anchor) { anchors[anchor] = size }
                if !open.isEmpty { open[open.count - 1].size += size }
                return count(size, line, column, alias: false)
            case YAML_ALIAS_EVENT:
                // An undefined alias is Yams's to report; count it as one node meanwhile.
                let size = Self.string(event.data.alias.anchor).flatMap { anchors[$0] } ?? Size(nodes: 1)
                if !open.isEmpty { open[open.count - 1].size += size }
                return count(size, line, column, alias: true)
            default:
                break
            }
            return nil
        }

        /// Adds `size`; sizes never exceed the limits by more than one step (the walk stops first), so no
        /// overflow.
        private mutating func count(_ size: Size, _ line: Int, _ column: Int, alias: Bool) -> (line: Int, column: Int, message: String)? {
            total += size
            if total.nodes > maxNodes {
                let message = alias
                    ? "aliases expand this file to more than \(maxNodes) YAML nodes (an alias bomb?); the limit is \(maxNodes)"
                    : "more than \(maxNodes) YAML nodes in one file; the limit is \(maxNodes)"
                return (line, column, message)
            }
            guard alias else { return nil }
            aliasedBytes += size.bytes
            guard aliasedBytes > maxAliasedBytes else { return nil }
            return (line, column, "aliases repeat more than \(maxAliasedBytes) bytes of text in this file (an alias bomb?); the limit is \(maxAliasedBytes) bytes per file: repeat less text through aliases")
        }

        static func nestingMessage(_ maxDepth: Int) -> String {
            "collections nested more than \(maxDepth) deep: nesting is limited to \(maxDepth) levels"
        }

        private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
