import WriftAIModels

extension JSONValue {
    /// The value as compact JSON with sorted keys, on one line, cut to `limit` characters (`…` marks the
    /// cut): a value quoted in a message, as violations quote them.
    public func quoted(limit: Int = 60) -> String {
        var text = ""
        appendJSON(to: &text, budget: limit + 1)
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// How the value looks, for "expected X, found Y": `a string "abc"`, `the number 1.4`, `an object`.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool(let value): "the boolean \(value)"
        case .number(let value): "the number \(JSONNumber.text(value))"
        case .string: "the string \(quoted())"
        case .array(let items): "an array of \(items.count) item\(items.count == 1 ? "" : "s")"
        case .object(let members): "an object with \(members.count) propert\(members.count == 1 ? "y" : "ies")"
        }
    }

    /// Appends compact JSON, stopping once `budget` characters are written (enough for a quotation).
    private func appendJSON(to text: inout String, budget: Int) {
        guard text.count < budget else { return }
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += JSONNumber.text(value)
        case .string(let value): text += Self.escaped(value)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                guard text.count < budget else { return }
                if index > 0 { text += "," }
                item.appendJSON(to: &text, budget: budget)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                guard text.count < budget else { return }
                if index > 0 { text += "," }
                text += Self.escaped(key) + ":"
                members[key]?.appendJSON(to: &text, budget: budget)
            }
            text += "}"
        }
    }

    /// A JSON string literal, control characters escaped so the text stays on one line.
    static func escaped(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}"
                || scalar == "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
