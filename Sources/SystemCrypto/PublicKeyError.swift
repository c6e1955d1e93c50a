/// Why bytes are not a public key of the kind they were given as.
public enum PublicKeyError: Error, CustomStringConvertible, Sendable {
    /// The bytes have the wrong length or form for the key type.
    case malformed(String)
    /// libcrypto refused the bytes: for an ECDSA key, a point that is not on its curve.
    case refused(LibCryptoError)

    public var description: String {
        switch self {
        case .malformed(let reason): return reason
        case .refused(let error): return "not a valid public key (\(error))"
        }
    }
}
