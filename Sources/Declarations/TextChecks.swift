/// Cheap checks run on a file's bytes before any YAML parsing: text encoding, and bounds on nesting that
/// keep the parser's recursion (and ours) shallow whatever the input.
enum TextChecks {
    /// The location of the first byte that makes `bytes` invalid UTF-8 or binary, with a message; nil if fine.
    static func encodingProblem(_ bytes: [UInt8]) -> (line: Int, column: Int, message: String)? {
        // Fast path: valid UTF-8 without NUL has no problem. Only a bad file pays the walk below, which
        // finds where the problem is.
        if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil {
            return nil
        }
        var line = 1, column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 {
                return (line, column, "binary file (NUL byte); declarations must be UTF-8 text")
            }
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, column, "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); declarations must be UTF-8 text")
            }
            guard index + length <= bytes.count,
                  bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }),
                  String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil else {
                return (line, column, "invalid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); declarations must be UTF-8 text")
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
        return nil
    }

    /// The first place where flow nesting (`[`/`{`), compact sequence nesting (`- - -`) or indentation
    /// exceeds `maxDepth` levels; nil if within bounds. Quoted strings and comments are skipped.
    static func nestingProblem(_ text: String, maxDepth: Int) -> (line: Int, column: Int, message: String)? {
        // Fast path over UTF-8 bytes: every character the check looks at is ASCII, and no byte of a multi-byte
        // character equals one, so the bytes give the same answer; only a column past a non-ASCII character
        // would differ, hence the exact walk below for a file that has a problem.
        if let clean = text.utf8.withContiguousStorageIfAvailable({ !hasNestingProblem($0, maxDepth: maxDepth) }), clean {
            return nil
        }
        return exactNestingProblem(text, maxDepth: maxDepth)
    }

    /// The walk over Unicode scalars that ``nestingProblem(_:maxDepth:)`` falls back to, with exact columns.
    static func exactNestingProblem(_ text: String, maxDepth: Int) -> (line: Int, column: Int, message: String)? {
        var lineNumber = 0
        var flowDepth = 0
        // Lines end as YAML ends them: at LF, CR LF or a lone CR (CR LF is one `Character`: split at "\n" alone,
        // a CR LF file was one line, its diagnostics placed on line 1, and its indentation never checked).
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var index = 0
            while index < scalars.count, scalars[index] == " " { index += 1 }
            if index > maxDepth * 8 {
                return (lineNumber, index + 1, "indentation of \(index) columns: nesting is limited to \(maxDepth) levels")
            }
            var dashes = 0
            while index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] == " " {
                dashes += 1
                index += 2
                while index < scalars.count, scalars[index] == " " { index += 1 }
            }
            if dashes > maxDepth {
                return (lineNumber, index + 1, "\(dashes) nested lists on one line: nesting is limited to \(maxDepth) levels")
            }
            var quote: Unicode.Scalar?
            var previous: Unicode.Scalar = " "
            while index < scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == "#" && (previous == " " || previous == "\t") {
                    break
                } else if scalar == "[" || scalar == "{" {
                    flowDepth += 1
                    if flowDepth > maxDepth {
                        return (lineNumber, index + 1, "brackets nested \(flowDepth) deep: nesting is limited to \(maxDepth) levels")
                    }
                } else if scalar == "]" || scalar == "}" {
                    flowDepth = max(0, flowDepth - 1)
                }
                previous = scalar
                index += 1
            }
        }
        return nil
    }

    /// Whether ``nestingProblem(_:maxDepth:)`` finds a problem, decided on UTF-8 bytes. Lines end where
    /// ``exactNestingProblem(_:maxDepth:)`` ends them: at LF, CR LF or a lone CR.
    static func hasNestingProblem(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Bool {
        let space = UInt8(ascii: " "), dash = UInt8(ascii: "-"), tab = UInt8(ascii: "\t")
        var flowDepth = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") {
                end += 1
            }
            let breakLength = end + 1 < bytes.count && bytes[end] == UInt8(ascii: "\r") && bytes[end + 1] == UInt8(ascii: "\n") ? 2 : 1
            var index = start
            while index < end, bytes[index] == space { index += 1 }
            if index - start > maxDepth * 8 { return true }
            var dashes = 0
            while index + 1 < end, bytes[index] == dash, bytes[index + 1] == space {
                dashes += 1
                index += 2
                while index < end, bytes[index] == space { index += 1 }
            }
            if dashes > maxDepth { return true }
            var quote: UInt8 = 0
            var previous = space
            while index < end {
                let byte = bytes[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "#") && (previous == space || previous == tab) {
                    break
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    flowDepth += 1
                    if flowDepth > maxDepth { return true }
                } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                    flowDepth = max(0, flowDepth - 1)
                }
                previous = byte
                index += 1
            }
            start = end + breakLength
        }
        return false
    }
}
