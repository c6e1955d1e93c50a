import COpenSSL

/// What a libcrypto call that failed was: the C function, and the error queue's first entry.
public struct LibCryptoError: Error, CustomStringConvertible, Sendable {
    /// The libcrypto function that failed.
    public let function: String
    /// OpenSSL's description of the failure, when its error queue had one.
    public let reason: String?

    public var description: String {
        "libcrypto's \(function) failed" + (reason.map { ": \($0)" } ?? "")
    }
}

/// Every libcrypto call goes through these two helpers, which name the C function when it fails and leave
/// OpenSSL's per-thread error queue empty (an entry left there would be blamed on the next call).
enum LibCrypto {
    /// Checks a call that returns 1 on success.
    static func check(_ function: String, _ result: Int32) throws(LibCryptoError) {
        guard result == 1 else { throw failure(function) }
    }

    /// Checks a call that returns a pointer, `nil` on failure.
    static func check<Pointer>(_ function: String, _ result: Pointer?) throws(LibCryptoError) -> Pointer {
        guard let result else { throw failure(function) }
        return result
    }

    /// For calls that fail only when memory runs out, as swift-crypto treats them: there is nothing to recover.
    static func must(_ function: String, _ result: Int32) {
        if result != 1 { fatalError("\(failure(function))") }
    }

    static func must<Pointer>(_ function: String, _ result: Pointer?) -> Pointer {
        guard let result else { fatalError("\(failure(function))") }
        return result
    }

    private static func failure(_ function: String) -> LibCryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return LibCryptoError(function: function, reason: nil) }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return LibCryptoError(function: function, reason: String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self))
    }
}
