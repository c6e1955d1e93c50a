/// Builds strings that match a regular expression of a common subset: literals and escapes, `.`,
/// classes with ranges, `\d \w \s` and their negations, groups (plain, `(?:…)` and named), alternation,
/// the quantifiers `* + ? {n} {n,} {n,m}` (lazy or not), and `^ $` at the ends. Lookarounds and
/// backreferences are not generated; the schema generator then falls back to plain candidates.
struct PatternStringGenerator {
    indirect enum Node {
        case literal(Unicode.Scalar)
        case set([ClosedRange<UInt32>], negated: Bool)
        case sequence([Node])
        case alternation([Node])
        case repeated(Node, min: Int, max: Int?)
        case anchor
    }

    let root: Node
    /// Whether the pattern is anchored at the start and at the end (anything may surround it otherwise).
    let anchoredStart: Bool
    let anchoredEnd: Bool

    /// Parses `source`; `nil` when it uses something outside the subset.
    init?(_ source: String) {
        var parser = Parser(scalars: Array(source.unicodeScalars))
        guard let root = parser.parseAlternation(), parser.position == parser.scalars.count else { return nil }
        self.root = root
        anchoredStart = source.hasPrefix("^")
        anchoredEnd = source.hasSuffix("$") && !source.hasSuffix("\\$")
    }

    /// A matching string in which every unbounded repetition repeats `extra` times more than its minimum.
    func generate(extra: Int, using random: inout SplitMix64) -> String {
        var output = String.UnicodeScalarView()
        emit(root, extra: extra, into: &output, random: &random)
        return String(output)
    }

    private func emit(_ node: Node, extra: Int, into output: inout String.UnicodeScalarView, random: inout SplitMix64) {
        switch node {
        case .literal(let scalar):
            output.append(scalar)
        case .set(let ranges, let negated):
            if let scalar = Self.pick(ranges, negated: negated, random: &random) { output.append(scalar) }
        case .sequence(let nodes):
            for child in nodes { emit(child, extra: extra, into: &output, random: &random) }
        case .alternation(let choices):
            emit(choices[Int(random.next() % UInt64(choices.count))], extra: extra, into: &output, random: &random)
        case .repeated(let child, let minimum, let maximum):
            let count = maximum.map { min($0, minimum + extra) } ?? minimum + extra
            for _ in 0..<count { emit(child, extra: extra, into: &output, random: &random) }
        case .anchor:
            break
        }
    }

    /// A scalar in (or, negated, outside) the ranges, preferring printable ASCII.
    private static func pick(_ ranges: [ClosedRange<UInt32>], negated: Bool, random: inout SplitMix64) -> Unicode.Scalar? {
        if !negated {
            let range = ranges[Int(random.next() % UInt64(ranges.count))]
            let width = UInt64(range.upperBound - range.lowerBound) + 1
            return Unicode.Scalar(range.lowerBound + UInt32(random.next() % width))
        }
        let printable: [UInt32] = Array(0x61...0x7A) + Array(0x30...0x39) + Array(0x41...0x5A) + [0x5F, 0x2D, 0x20]
        let start = Int(random.next() % UInt64(printable.count))
        for offset in 0..<printable.count {
            let value = printable[(start + offset) % printable.count]
            if !ranges.contains(where: { $0.contains(value) }) { return Unicode.Scalar(value) }
        }
        return nil
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        static let digits: [ClosedRange<UInt32>] = [0x30...0x39]
        static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        static let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]
        static let anyCharacter: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D]

        var atEnd: Bool { position >= scalars.count }
        var current: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        mutating func parseAlternation() -> Node? {
            var choices: [Node] = []
            while true {
                guard let sequence = parseSequence() else { return nil }
                choices.append(sequence)
                guard current == "|" else { break }
                position += 1
            }
            return choices.count == 1 ? choices[0] : .alternation(choices)
        }

        mutating func parseSequence() -> Node? {
            var nodes: [Node] = []
            while let scalar = current, scalar != "|", scalar != ")" {
                guard var atom = parseAtom() else { return nil }
                if let (minimum, maximum) = parseQuantifier() {
                    if case .anchor = atom { return nil }
                    atom = .repeated(atom, min: minimum, max: maximum)
                }
                nodes.append(atom)
            }
            return .sequence(nodes)
        }

        mutating func parseAtom() -> Node? {
            guard let scalar = current else { return nil }
            position += 1
            switch scalar {
            case "^", "$":
                return .anchor
            case ".":
                // Anything but a line terminator.
                return .set(Self.anyCharacter, negated: true)
            case "(":
                if current == "?" {
                    position += 1
                    if current == ":" {
                        position += 1
                    } else if current == "<", position + 1 < scalars.count, scalars[position + 1] != "=", scalars[position + 1] != "!" {
                        while let next = current, next != ">" { position += 1 }
                        guard current == ">" else { return nil }
                        position += 1
                    } else {
                        return nil  // lookarounds
                    }
                }
                guard let inner = parseAlternation(), current == ")" else { return nil }
                position += 1
                return inner
            case "[":
                return parseClass()
            case "\\":
                return parseEscape(inClass: false).map { ranges, negated in
                    ranges.count == 1 && ranges[0].count == 1 && !negated
                        ? .literal(Unicode.Scalar(ranges[0].lowerBound) ?? "a") : .set(ranges, negated: negated)
                }
            case "*", "+", "?", "{", ")", "|":
                return nil
            default:
                return .literal(scalar)
            }
        }

        /// An escape after its backslash: a set, or a single scalar as a one-element range.
        mutating func parseEscape(inClass: Bool) -> ([ClosedRange<UInt32>], negated: Bool)? {
            guard let scalar = current else { return nil }
            position += 1
            switch scalar {
            case "d": return (Self.digits, false)
            case "D": return (Self.digits, true)
            case "w": return (Self.word, false)
            case "W": return (Self.word, true)
            case "s": return (Self.space, false)
            case "S": return (Self.space, true)
            case "n": return ([0x0A...0x0A], false)
            case "t": return ([0x09...0x09], false)
            case "r": return ([0x0D...0x0D], false)
            case "b", "B", "k", "c", "p", "P", "u", "x": return nil
            case _ where ("0"..."9").contains(scalar): return nil  // backreferences
            default: return ([scalar.value...scalar.value], false)
            }
        }

        mutating func parseClass() -> Node? {
            var negated = false
            if current == "^" {
                negated = true
                position += 1
            }
            var ranges: [ClosedRange<UInt32>] = []
            while let scalar = current, scalar != "]" {
                position += 1
                var low: UInt32
                if scalar == "\\" {
                    guard let (set, setNegated) = parseEscape(inClass: true), !setNegated else { return nil }
                    if set.count != 1 || set[0].count != 1 {
                        ranges += set
                        continue
                    }
                    low = set[0].lowerBound
                } else {
                    low = scalar.value
                }
                if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                    position += 1
                    guard let end = current, end != "\\" else { return nil }
                    position += 1
                    guard end.value >= low else { return nil }
                    ranges.append(low...end.value)
                } else {
                    ranges.append(low...low)
                }
            }
            guard current == "]", !ranges.isEmpty else { return nil }
            position += 1
            return .set(ranges, negated: negated)
        }

        mutating func parseQuantifier() -> (Int, Int?)? {
            guard let scalar = current else { return nil }
            var result: (Int, Int?)
            switch scalar {
            case "*": result = (0, nil)
            case "+": result = (1, nil)
            case "?": result = (0, 1)
            case "{":
                var cursor = position + 1
                func number() -> Int? {
                    var value = 0
                    var digits = 0
                    while cursor < scalars.count, let digit = Int(String(scalars[cursor])), digits < 6 {
                        value = value * 10 + digit
                        digits += 1
                        cursor += 1
                    }
                    return digits > 0 ? value : nil
                }
                guard let minimum = number() else { return nil }
                var maximum: Int? = minimum
                if cursor < scalars.count, scalars[cursor] == "," {
                    cursor += 1
                    maximum = number()
                }
                guard cursor < scalars.count, scalars[cursor] == "}" else { return nil }
                if let maximum, maximum < minimum { return nil }
                position = cursor
                result = (minimum, maximum)
            default:
                return nil
            }
            position += 1
            if current == "?" { position += 1 }  // lazy: the same strings match
            return result
        }
    }
}
