@testable import JSONSchema
import WriftAIModels
import WriftSyncTesting

/// JSON text for the Python oracle, written by hand so that whole numbers can be written either way
/// (`1` or `1.0`): Python reads the first as an int and the second as a float, and JSON Schema must
/// treat both as the integer 1.
enum JSONText {
    static func write(_ value: JSONValue, random: inout SplitMix64, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let bool): text += bool ? "true" : "false"
        case .number(let number):
            if number.rounded() == number, abs(number) < 1e15 {
                text += String(Int64(number))
                if random.chance(0.3) { text += ".0" }
            } else {
                text += "\(number)"
            }
        case .string(let string): text += quoted(string)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, random: &random, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                text += quoted(key) + ":"
                write(members[key] ?? .null, random: &random, into: &text)
            }
            text += "}"
        }
    }

    /// A JSON string literal: the escaping the validator's messages use (control characters as `\u00XX`).
    static func quoted(_ string: String) -> String {
        JSONValue.escaped(string)
    }
}
