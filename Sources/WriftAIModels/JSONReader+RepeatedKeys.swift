extension JSONReader {
    /// Deeper nesting is not looked into: declarations nest 64 levels at most, and the answers holding them a few more.
    static let repeatedKeyDepth = 128

    /// The first key `bytes` repeats within one object, as far as they read as JSON; `nil` when none does.
    ///
    /// `JSONDecoder` keeps one of a repeated key's values without a word, and other readers keep the other: a
    /// listing page saying `"next_cursor": null, … "next_cursor": "c2"` ended after its first page here, where
    /// the server meant one more. An answer read two ways is refused instead.
    static func repeatedKey(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var reader = JSONReader(bytes)
        var found: String?
        _ = reader.scanForRepeatedKey(depth: 0, &found)
        return found
    }

    /// Reads one value, stopping (`false`) at a repeated key or anything not JSON.
    private mutating func scanForRepeatedKey(depth: Int, _ found: inout String?) -> Bool {
        guard let first = peekAfterWhitespace() else { return false }
        switch first {
        case UInt8(ascii: "{"):
            guard depth < Self.repeatedKeyDepth else { return false }
            var keys: Set<String> = []
            let read: Void? = readObject(checkingKeys: false) { reader, key in
                guard keys.insert(key).inserted else {
                    found = key
                    return false
                }
                return reader.scanForRepeatedKey(depth: depth + 1, &found)
            }
            return read != nil
        case UInt8(ascii: "["):
            guard depth < Self.repeatedKeyDepth else { return false }
            return readArray { $0.scanForRepeatedKey(depth: depth + 1, &found) } != nil
        case UInt8(ascii: "\""):
            return readString() != nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return readValue(depth: Self.maximumDepth) != nil
        default:
            return readNumber() != nil
        }
    }
}

/// Repeated keys in JSON text, for the API client (see ``JSONReader/repeatedKey(in:)``).
public enum JSONRepeatedKeys {
    /// The first key `bytes` repeats within one object; `nil` when none does.
    public static func first(in bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { JSONReader.repeatedKey(in: $0) }
    }
}
