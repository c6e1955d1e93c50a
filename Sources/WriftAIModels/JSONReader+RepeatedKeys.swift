extension JSONReader {
    /// Deeper nesting is not looked into: `JSONDecoder` refuses it anyway.
    static let repeatedKeyDepth = 512

    /// What a scan for repeated keys found; see ``JSONRepeatedKeys``.
    fileprivate enum Scan {
        case clean
        case repeated(String)
        case tooDeep
        case notJSON

        var isClean: Bool {
            if case .clean = self { return true }
            return false
        }

        /// A container's scan: what was found inside it, else whether it read whole.
        static func container(read: Void?, inner: Scan) -> Scan {
            guard inner.isClean else { return inner }
            return read == nil ? .notJSON : .clean
        }
    }

    /// Reads one value, stopping at a repeated key, nesting past ``repeatedKeyDepth`` or anything not JSON.
    fileprivate mutating func scanForRepeatedKey(depth: Int) -> Scan {
        guard let first = peekAfterWhitespace() else { return .notJSON }
        switch first {
        case UInt8(ascii: "{"):
            guard depth < Self.repeatedKeyDepth else { return .tooDeep }
            var keys: Set<String> = []
            var inner = Scan.clean
            let read: Void? = readObject(checkingKeys: false) { reader, key in
                guard keys.insert(key).inserted else {
                    inner = .repeated(key)
                    return false
                }
                inner = reader.scanForRepeatedKey(depth: depth + 1)
                return inner.isClean
            }
            return .container(read: read, inner: inner)
        case UInt8(ascii: "["):
            guard depth < Self.repeatedKeyDepth else { return .tooDeep }
            var inner = Scan.clean
            let read: Void? = readArray { reader in
                inner = reader.scanForRepeatedKey(depth: depth + 1)
                return inner.isClean
            }
            return .container(read: read, inner: inner)
        case UInt8(ascii: "\""):
            return readString() == nil ? .notJSON : .clean
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return readValue(depth: Self.maximumDepth) == nil ? .notJSON : .clean
        default:
            // Skipped by its characters, not read: a number out of `Double`'s range, which the decoder takes
            // for a field it ignores, must not end the scan before a repeated key behind it.
            return skipNumberCharacters() ? .clean : .notJSON
        }
    }
}

/// Repeated keys in JSON text, for the API client.
///
/// `JSONDecoder` keeps one of a repeated key's values without a word, and other readers keep the other: a
/// listing page saying `"next_cursor": null, … "next_cursor": "c2"` ended after its first page here, where the
/// server meant one more. An answer read two ways is refused instead.
public enum JSONRepeatedKeys {
    /// The first key `bytes` repeats within one object; `nil` when none does (or when they are not JSON, or nest
    /// deeper than `JSONDecoder` reads, which the decoder then reports).
    public static func first(in bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            if case .repeated(let key) = reader.scanForRepeatedKey(depth: 0) { return key }
            return nil
        }
    }
}
