import Foundation

/// The JSON form of WriftSync's documents (plans, apply results): pretty-printed with sorted keys and
/// unescaped slashes, ending in a newline, so that equal values give equal bytes and diffs stay small.
public enum StableJSON {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
