import COpenSSL
import Foundation

/// The hash functions WriftSync uses, computed by the system's libcrypto: SHA-256 for names, fingerprints and
/// webhook signatures; SHA-384 and SHA-512 for ECDSA P-384/P-521 and SSH signatures; SHA-1 only for OpenSSH's
/// hashed `known_hosts` entries, which are HMAC-SHA1 by definition.
public enum HashFunction: Sendable, CaseIterable {
    case sha1, sha256, sha384, sha512

    /// The digest's length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    var algorithm: OpaquePointer {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The digest of `data`.
    public func hash(_ data: some DataProtocol) -> [UInt8] {
        let context = LibCrypto.must("EVP_MD_CTX_new", EVP_MD_CTX_new())
        defer { EVP_MD_CTX_free(context) }
        LibCrypto.must("EVP_DigestInit_ex", EVP_DigestInit_ex(context, algorithm, nil))
        for region in data.regions {
            region.withUnsafeBytes { bytes in
                LibCrypto.must("EVP_DigestUpdate", EVP_DigestUpdate(context, bytes.baseAddress, bytes.count))
            }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        LibCrypto.must("EVP_DigestFinal_ex", EVP_DigestFinal_ex(context, &digest, &length))
        return Array(digest.prefix(Int(length)))
    }

    /// HMAC (RFC 2104) of `message` under `key` with this hash.
    public func authenticationCode(for message: some DataProtocol, key: some DataProtocol) -> [UInt8] {
        let key = Array(key)
        let keyLength = Int32(key.count)
        // A key buffer that is never empty, so its pointer is never null: HMAC() takes a null key to mean no key.
        let keyStorage = key.isEmpty ? [0] : key
        let message = Array(message)
        var code = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = keyStorage.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                HMAC(algorithm, keyBytes.baseAddress, keyLength, messageBytes.baseAddress, messageBytes.count, &code, &length)
            }
        }
        _ = LibCrypto.must("HMAC", result)
        return Array(code.prefix(Int(length)))
    }

    /// Whether `code` is the HMAC of `message` under `key`, compared in constant time (`CRYPTO_memcmp`) so
    /// that a forger learns nothing from how long the answer takes.
    public func isValidAuthenticationCode(_ code: some DataProtocol, for message: some DataProtocol, key: some DataProtocol) -> Bool {
        let expected = authenticationCode(for: message, key: key)
        let code = Array(code)
        guard code.count == expected.count else { return false }
        return CRYPTO_memcmp(code, expected, code.count) == 0
    }
}
