import WriftAIModels

/// `sha256:` and `seed` in hex, zero-padded to 64 digits: a distinct, valid digest for every seed.
public func digest(_ seed: Int) -> String {
    let hex = String(seed, radix: 16)
    return "sha256:" + String(repeating: "0", count: 64 - hex.count) + hex
}

/// `sha256:` and the byte `seed % 256` as two hex digits, 32 times: a valid digest whose short form reads as its
/// seed (`010101010101` for 1), for expectations on rendered text.
public func repeatedDigest(_ seed: Int) -> String {
    "sha256:" + String(repeating: String(seed % 256, radix: 16).leftPadded(to: 2), count: 32)
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// ``digest(_:)`` as the domain value, where a test needs a `Digest` (declarations, plans, results); the
/// `String` form is preferred where either would do.
@_disfavoredOverload
public func digest(_ seed: Int) -> Digest {
    Digest(stringLiteral: digest(seed) as String)
}

/// ``repeatedDigest(_:)`` as the domain value.
@_disfavoredOverload
public func repeatedDigest(_ seed: Int) -> Digest {
    Digest(stringLiteral: repeatedDigest(seed) as String)
}
