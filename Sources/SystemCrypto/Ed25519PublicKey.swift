import COpenSSL

/// An Ed25519 public key (RFC 8032), whose signatures libcrypto verifies.
public struct Ed25519PublicKey: Sendable {
    /// The key's 32 bytes.
    public let rawRepresentation: [UInt8]

    public init(rawRepresentation: [UInt8]) throws(PublicKeyError) {
        guard rawRepresentation.count == 32 else {
            throw .malformed("an Ed25519 public key is 32 bytes, not \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
        do {
            EVP_PKEY_free(try makeKey())
        } catch {
            throw .refused(error)
        }
    }

    /// Whether `signature` (64 bytes) is this key's signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? makeKey() else { return false }
        defer { EVP_PKEY_free(key) }
        return SignatureCheck.verify(key: key, digest: nil, signature: signature, message: message)
    }

    private func makeKey() throws(LibCryptoError) -> OpaquePointer {
        try LibCrypto.check("EVP_PKEY_new_raw_public_key", EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, rawRepresentation, rawRepresentation.count))
    }
}

/// One signature check through `EVP_DigestVerify`: any failure, the library's own included, is "not valid".
enum SignatureCheck {
    static func verify(key: OpaquePointer, digest: HashFunction?, signature: [UInt8], message: [UInt8]) -> Bool {
        let context = LibCrypto.must("EVP_MD_CTX_new", EVP_MD_CTX_new())
        defer { EVP_MD_CTX_free(context) }
        do {
            try LibCrypto.check("EVP_DigestVerifyInit", EVP_DigestVerifyInit(context, nil, digest?.algorithm, nil, key))
            // EVP_DigestVerify returns 1 for a valid signature, 0 for an invalid one, less on an error.
            let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
            if result != 1 { ERR_clear_error() }
            return result == 1
        } catch {
            return false
        }
    }
}
