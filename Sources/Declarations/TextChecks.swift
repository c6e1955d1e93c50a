/// Cheap checks run on a file's bytes before any YAML parsing: text encoding, and bounds on nesting that
/// keep the parser's recursion (and ours) shallow whatever the input.
enum TextChecks {
    /// The location of the first byte that makes `bytes` invalid UTF-8 or binary, with a message; nil if fine.
    static func encodingProblem(_ bytes: [UInt8]) -> (line: Int, column: Int, message: String)? {
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
        var lineNumber = 0
        var flowDepth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
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
}
