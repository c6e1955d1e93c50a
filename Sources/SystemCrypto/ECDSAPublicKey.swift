import COpenSSL

/// An ECDSA public key on one of the NIST curves SSH uses, whose signatures libcrypto verifies.
public struct ECDSAPublicKey: Sendable {
    /// The curves, each with the hash its SSH signatures use.
    public enum Curve: Sendable, CaseIterable {
        case p256, p384, p521

        /// The byte length of one coordinate, and of `r` and `s` in a raw signature.
        public var coordinateByteCount: Int {
            switch self {
            case .p256: return 32
            case .p384: return 48
            case .p521: return 66
            }
        }

        /// The hash signatures on this curve are made with (RFC 5656).
        public var hashFunction: HashFunction {
            switch self {
            case .p256: return .sha256
            case .p384: return .sha384
            case .p521: return .sha512
            }
        }

        var groupName: String {
            switch self {
            case .p256: return "prime256v1"
            case .p384: return "secp384r1"
            case .p521: return "secp521r1"
            }
        }
    }

    public let curve: Curve
    /// The point, uncompressed: `04 ‖ x ‖ y` (ANSI X9.63).
    public let x963Representation: [UInt8]

    /// The key at `x963Representation`, which must be an uncompressed point on `curve` (libcrypto checks it).
    public init(curve: Curve, x963Representation: [UInt8]) throws(PublicKeyError) {
        guard x963Representation.count == 1 + 2 * curve.coordinateByteCount, x963Representation.first == 0x04 else {
            throw .malformed("an uncompressed \(curve) point is 04 and \(2 * curve.coordinateByteCount) bytes")
        }
        self.curve = curve
        self.x963Representation = x963Representation
        do {
            EVP_PKEY_free(try makeKey())
        } catch {
            throw .refused(error)
        }
    }

    /// Whether `rawRepresentation` (`r ‖ s`, each `coordinateByteCount` bytes, big-endian) is this key's
    /// signature of `message`, hashed with the curve's hash function.
    public func isValidSignature(rawRepresentation: [UInt8], for message: [UInt8]) -> Bool {
        let size = curve.coordinateByteCount
        guard rawRepresentation.count == 2 * size, let der = Self.der(r: Array(rawRepresentation.prefix(size)), s: Array(rawRepresentation.suffix(size))),
              let key = try? makeKey()
        else { return false }
        defer { EVP_PKEY_free(key) }
        return SignatureCheck.verify(key: key, digest: curve.hashFunction, signature: der, message: message)
    }

    /// libcrypto's EC public key from the point: `EVP_PKEY_fromdata` decodes it (refusing a point off the
    /// curve), then `EVP_PKEY_public_check` checks it in full.
    private func makeKey() throws(LibCryptoError) -> OpaquePointer {
        let context = try LibCrypto.check("EVP_PKEY_CTX_new_from_name", EVP_PKEY_CTX_new_from_name(nil, "EC", nil))
        defer { EVP_PKEY_CTX_free(context) }
        try LibCrypto.check("EVP_PKEY_fromdata_init", EVP_PKEY_fromdata_init(context))
        var key: OpaquePointer?
        var group = Array(curve.groupName.utf8CString)
        var point = x963Representation
        let result = group.withUnsafeMutableBufferPointer { group in
            point.withUnsafeMutableBytes { point in
                // The parameters keep their names' pointers: static strings, not Swift's temporary C strings.
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(Self.groupNameKey, group.baseAddress, 0),
                    OSSL_PARAM_construct_octet_string(Self.publicKeyKey, point.baseAddress, point.count),
                    OSSL_PARAM_construct_end(),
                ]
                // EVP_PKEY_PUBLIC_KEY, a macro Swift does not import.
                let selection = OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
                return EVP_PKEY_fromdata(context, &key, selection, &parameters)
            }
        }
        try LibCrypto.check("EVP_PKEY_fromdata", result)
        let made = try LibCrypto.check("EVP_PKEY_fromdata", key)
        do {
            let checking = try LibCrypto.check("EVP_PKEY_CTX_new_from_pkey", EVP_PKEY_CTX_new_from_pkey(nil, made, nil))
            defer { EVP_PKEY_CTX_free(checking) }
            try LibCrypto.check("EVP_PKEY_public_check", EVP_PKEY_public_check(checking))
        } catch {
            EVP_PKEY_free(made)
            throw error
        }
        return made
    }

    /// OSSL_PKEY_PARAM_GROUP_NAME and OSSL_PKEY_PARAM_PUB_KEY.
    private static var groupNameKey: UnsafePointer<CChar> { cString("group") }
    private static var publicKeyKey: UnsafePointer<CChar> { cString("pub") }

    /// A static string's bytes, which live as long as the program (and end in a NUL).
    private static func cString(_ string: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(string.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// The DER `ECDSA-Sig-Value` libcrypto verifies, from big-endian `r` and `s`; `nil` when libcrypto
    /// refuses them.
    private static func der(r: [UInt8], s: [UInt8]) -> [UInt8]? {
        guard let signature = try? LibCrypto.check("ECDSA_SIG_new", ECDSA_SIG_new()) else { return nil }
        defer { ECDSA_SIG_free(signature) }
        guard let rNumber = try? LibCrypto.check("BN_bin2bn", BN_bin2bn(r, Int32(r.count), nil)) else { return nil }
        guard let sNumber = try? LibCrypto.check("BN_bin2bn", BN_bin2bn(s, Int32(s.count), nil)) else {
            BN_free(rNumber)
            return nil
        }
        // On success ECDSA_SIG_set0 owns both numbers; on failure they are still ours.
        guard (try? LibCrypto.check("ECDSA_SIG_set0", ECDSA_SIG_set0(signature, rNumber, sNumber))) != nil else {
            BN_free(rNumber)
            BN_free(sNumber)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
